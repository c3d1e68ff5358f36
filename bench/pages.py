"""Benchmark: the dashboard, the obligation page and the inboxes, each after a real write.

SYNTHETIC data (every row titled "[synthetic benchmark data]") is added on top of the
real seed with bulk writes, then `register.rebuild()`, until the register holds about
100, 1,000 and 10,000 obligations: documents received 2022-2024, half of them
forwarded, every fifth one a revision of the one before.

Before each timed view, ANOTHER process makes a real write through a service
(bench/_writer.py: in turn a submission, the forwarding of that document, a review
comment on it), and the view is timed once the write has committed: the **first view
after a write**, then the **repeat view** (the same page again, no write between). No
page cache exists: both are full renders.

The **bare** page, timed in the same run, each after its own write (paired with ours):
ONE plain query for the rows the page shows (its 50 stored obligations by due date, the
trail's or the inbox's 50 documents, the 50 latest notifications), then the page's own
template rendered from a fresh copy of the context the page computed, through the same
middleware. The ratio is what the page costs beyond fetching and drawing its rows (the
register, statuses, counts, filters, pagination, the review and audit sections). The
growth exponent from about 1,000 to about 10,000 obligations, log(t2/t1) / log(n2/n1),
says whether a page stays flat (0) or grows with the history (1 is linear).

    bench/run pages                       BENCH_SIZES=100,1000 BENCH_REPEAT=5 bench/run pages
"""

import copy
import datetime
import math
import os
import sys

from _report import figure
from _setup import setup

LABEL = "[synthetic benchmark data]"
AS_OF = datetime.date(2024, 6, 30)
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",")]


def obligation_count():
    from compliance import register

    return register.load().rows(AS_OF).count()


def add_documents(count, offset):
    """`count` synthetic received documents, each of which gives one forwarding duty."""
    from compliance.models import Document, Forwarding, ForwardingItem, Submission

    start = datetime.date(2022, 1, 3)
    subs = Submission.objects.bulk_create(
        Submission(received_on=start + datetime.timedelta(days=(offset + i) % 880), source=LABEL) for i in range(count)
    )
    docs = []
    for i, sub in enumerate(subs):
        n = offset + i
        kind = ("plan_draft", "settlement")[n % 2]
        doc = Document(submission=sub, kind=kind, fiscal_year=2022 + n % 3, title=f"{LABEL} document {n}", source=LABEL)
        docs.append(doc)
    Document.objects.bulk_create(docs)
    # Every fifth document is a revision of the one before (a lineage of two).
    revisions = []
    for i in range(1, len(docs)):
        if (offset + i) % 5 == 0 and docs[i].kind == "plan_draft" == docs[i - 1].kind:
            docs[i].supersedes_id = docs[i - 1].pk
            revisions.append(docs[i])
    Document.objects.bulk_update(revisions, ["supersedes"])
    forwarded = [(d, s) for d, s in zip(docs, subs, strict=True) if d.pk % 2 == 0]
    fwds = Forwarding.objects.bulk_create(
        Forwarding(forwarded_on=s.received_on + datetime.timedelta(days=d.pk % 20), source=LABEL) for d, s in forwarded
    )
    ForwardingItem.objects.bulk_create(
        ForwardingItem(
            forwarding=f, document=d, description=LABEL, kind=d.kind, fiscal_year=d.fiscal_year, source=LABEL
        )
        for f, (d, _s) in zip(fwds, forwarded, strict=True)
    )
    from compliance import register

    register.rebuild()  # bulk writes send no signals: say so, as any bulk writer must
    # The planner's statistics, as autovacuum gathers them within a minute of a bulk load
    # in production: planned on the empty tables' figures, reads join and sort far more rows.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def add_notifications(user, count):
    """`count` synthetic in-app alerts for `user` (one per synthetic document), so the
    alerts inbox also grows with the history."""
    from compliance.models import Notification

    Notification.objects.bulk_create(
        Notification(recipient=user, obligation_key=f"forward_to_council-{i}", title_ko=LABEL, title_en=LABEL)
        for i in range(count)
    )


class Capture:
    """Record the outermost template render of one request: its template, the request and
    `copies` deep copies of its context taken before the render (every query already run),
    so each bare render draws fresh objects, as the page does after a write."""

    def __init__(self, copies):
        from django.template import loader

        self.loader = loader
        self.real = loader.render_to_string
        self.copies = copies
        self.seen = None

    def __enter__(self):
        def spy(template_name, context=None, request=None, using=None):
            if self.seen is None:
                context = frozen(context or {})
                # The request is shared, not copied (the bare render gets its own anyway).
                copies = [copy.deepcopy(context, {id(request): request}) for _ in range(self.copies)]
                self.seen = (template_name, copies, request)
            return self.real(template_name, context, request, using)

        self.loader.render_to_string = spy
        return self

    def __exit__(self, *exc):
        self.loader.render_to_string = self.real


def frozen(context):
    """The captured context with every query already run, so the bare render runs none of its own."""
    from django.core.paginator import Page
    from django.db.models import QuerySet

    result = {}
    for key, value in dict(context).items():
        if isinstance(value, QuerySet):
            value = list(value)
        elif isinstance(value, Page):
            value.object_list = list(value.object_list)
        result[key] = value
    return result


def bare_view(captured, plain_query):
    """The bare page: ONE plain query for the rows the page shows (no register, no status),
    then the page's own template rendered, with no cache, from a fresh copy of the
    context the page computed (captured before the timed views)."""
    from django.http import HttpResponse
    from django.template import loader

    template_name, contexts, _request = captured

    def view(request):
        rows = list(plain_query())
        assert rows, "the bare query found no rows"
        return HttpResponse(loader.render_to_string(template_name, contexts.pop(), request))

    return view


def plain_queries(key):
    """For each page, the one plain query of its rows: what the bare render runs."""
    from compliance.models import Document, Notification, StoredObligation
    from compliance.rules.kinds import PLAN_KINDS

    return {
        "dashboard": lambda: StoredObligation.objects.order_by("due_date", "key")[:50],
        "obligation": lambda: (
            Document.objects.select_related("submission")
            .filter(fiscal_year=2024, kind__in=PLAN_KINDS)
            .order_by("submission__received_on", "pk")[:50]
        ),
        "inbox": lambda: Document.objects.select_related("submission").order_by("-submission__received_on", "-pk")[:50],
        "alerts": lambda: Notification.objects.filter(recipient__username="bench-council").order_by(
            "-created_at", "-pk"
        )[:50],
    }


def count_queries(fn):
    from django.db import connection

    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        fn()
    return len(queries)


def measure_page(label, client, url, size, repeat, writer, plain_query):
    """First view after a real write (made in another process), a repeat view, and the
    bare render, each timed after its own write; returns the first-view and bare medians."""
    import _urls
    from _report import after_writes

    writer.write()
    with Capture(copies=repeat + 2) as cap:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page_bytes = len(response.content)
    _urls.BARE["view"] = bare_view(cap.seen, plain_query)
    writer.write()
    queries = count_queries(lambda: client.get(url))
    bare_queries = count_queries(lambda: client.get("/__bare__/"))
    note = f"{queries} queries (bare {bare_queries}), {page_bytes / 1024:.0f} KiB"

    def ours():
        assert client.get(url).status_code == 200

    def bare():
        assert client.get("/__bare__/").status_code == 200

    first, again, plain = after_writes(writer.write, ours, bare, repeat=repeat)
    at = f"@ {size:,} obligations"
    figure(f"{label}, first view after a real write {at}", first, plain, target="≤1.5× bare", note=note)
    figure(f"{label}, repeat view {at}", again, plain, note=note)
    return first, plain


def growth(results):
    """The growth exponent of each page's first view from about 1,000 to about 10,000
    obligations: log(t(n2)/t(n1)) / log(n2/n1); 0 is flat, 1 linear."""
    for label, by_size in results.items():
        sizes = sorted(by_size)
        small = [n for n in sizes if n >= 500]
        if len(small) < 2 or small[-1] < 5000:
            continue
        n1, n2 = small[0], small[-1]
        (a, bare_a), (b, bare_b) = by_size[n1], by_size[n2]
        exponent = math.log(b / a) / math.log(n2 / n1)
        bare_exponent = math.log(bare_b / bare_a) / math.log(n2 / n1)
        figure(
            f"{label}: growth exponent {n1:,} → {n2:,} obligations",
            round(exponent, 3),
            unit="",
            target="≤0.2",
            note=f"first view after a write {a * 1000:.1f} → {b * 1000:.1f} ms; bare's exponent {bare_exponent:.3f}",
        )


def main():
    setup()
    from _writer import Writer
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from compliance.roles import COUNCIL_STAFF, DPO, ensure_groups

    # The bare view lives under its own URL; every other URL is the app's.
    settings.ROOT_URLCONF = "_urls"
    groups = ensure_groups()
    users, council = {}, None
    for name, role in (("bench-council", COUNCIL_STAFF), ("bench-dpo", DPO)):
        user = get_user_model().objects.create_user(name, f"{name}@example.invalid", "x")
        user.groups.add(groups[role])
        client = Client()
        client.force_login(user)
        users[role] = client
        council = council if role != COUNCIL_STAFF else user
    added = 0
    base = obligation_count()
    print(f"real seed: {base} obligations as of {AS_OF}; adding synthetic documents ({LABEL})")
    # A fiscal year's duty: its trail lists every document of its kinds that year.
    key = "plan_to_mayor-2024"
    plain = plain_queries(key)
    repeat = int(os.environ.get("BENCH_REPEAT", "7"))
    results = {}
    writer = Writer()
    try:
        for size in SIZES:
            if size > base + added:
                add_documents(size - base - added, added)
                add_notifications(council, size - base - added)
                added = size - base
            size = obligation_count()
            q = f"?as_of={AS_OF.isoformat()}"
            pages = (
                ("dashboard (first page)", users[COUNCIL_STAFF], "/" + q, plain["dashboard"]),
                ("obligation page", users[COUNCIL_STAFF], f"/obligations/{key}/" + q, plain["obligation"]),
                ("inbox (Digital Policy Officer)", users[DPO], "/inbox/", plain["inbox"]),
                ("alerts inbox", users[COUNCIL_STAFF], "/alerts/", plain["alerts"]),
            )
            for label, client, url, query in pages:
                results.setdefault(label, {})[size] = measure_page(label, client, url, size, repeat, writer, query)
    finally:
        writer.close()
    growth(results)
    kinds = {}
    for answer in writer.done:
        kinds[answer["kind"]] = kinds.get(answer["kind"], 0) + 1
    print(f"  writes made in the writing process: {kinds}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()

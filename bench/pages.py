"""Benchmark: the dashboard, the obligation page and the inbox as obligations grow.

SYNTHETIC data (every row titled "[synthetic benchmark data]") is added on top of the
real seed until the register holds about 100, 1,000 and 10,000 obligations: documents
received 2022-2024, half of them forwarded, every fifth one a revision of the one
before. At each size every page is timed through Django's test client together with its
**bare render**: the same template and the same request, with the context the page
computed captured once and replayed, so the ratio is what the page costs beyond
rendering what it shows (the register, filtering, counting, paginating, its queries).

    bench/run pages                       BENCH_SIZES=100,1000 bench/run pages
"""

import datetime
import os
import sys

from _report import figure, paired_medians
from _setup import setup

LABEL = "[synthetic benchmark data]"
AS_OF = datetime.date(2024, 6, 30)
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",")]


def obligation_count():
    from compliance import register

    return len(register.load().obligations(AS_OF))


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

    register.data_changed()  # bulk writes send no signals: say so, as any bulk writer must


class Capture:
    """Record the outermost template render of one request: (template name, context, request)."""

    def __init__(self):
        from django.template import loader

        self.loader = loader
        self.real = loader.render_to_string
        self.seen = None

    def __enter__(self):
        def spy(template_name, context=None, request=None, using=None):
            if self.seen is None:
                self.seen = (template_name, dict(context or {}), request)
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
    for key, value in context.items():
        if isinstance(value, QuerySet):
            value = list(value)
        elif isinstance(value, Page):
            value.object_list = list(value.object_list)
        result[key] = value
    return result


def bare_view(captured):
    """A view that renders the captured template and context: what the page shows, nothing more."""
    from django.http import HttpResponse
    from django.template import loader

    template_name, context, page_request = captured
    # A page with cached fragments (compliance/views/fragments.py) is rendered with the
    # same fragment key, so the bare render draws exactly what the page drew: from the
    # cache when the page did, in full when it did not (the cache cleared before each).
    fragments = getattr(page_request, "fragments", None)

    def view(request):
        if fragments is not None:
            request.fragments = fragments
        return HttpResponse(loader.render_to_string(template_name, context, request))

    return view


def measure_page(label, client, url, size, repeat):
    import _urls
    from django.core.cache import caches
    from django.db import connection

    with Capture() as cap:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    page_bytes = len(response.content)
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url)
    _urls.BARE["view"] = bare_view((cap.seen[0], frozen(cap.seen[1]), cap.seen[2]))
    bare_bytes = len(client.get("/__bare__/").content)
    note = f"{len(queries)} queries, {page_bytes / 1024:.0f} KiB (bare {bare_bytes / 1024:.0f} KiB)"
    cached = getattr(cap.seen[2], "fragments", None)
    if cached is not None and cached.seconds:
        # The first view after a write: no fragment cached yet, for the page nor its bare render.
        fragments = caches["fragments"]

        def cold(get):
            fragments.clear()
            return get()

        ours, bare = paired_medians(
            lambda: cold(lambda: client.get(url)), lambda: cold(lambda: client.get("/__bare__/")), repeat=repeat
        )
        figure(f"{label}, first view after a write @ {size:,} obligations", ours, bare, target="≤1.3× bare", note=note)
        label = f"{label}, fragments cached"
    ours, bare = paired_medians(lambda: client.get(url), lambda: client.get("/__bare__/"), repeat=repeat)
    figure(f"{label} @ {size:,} obligations", ours, bare, target="≤1.3× bare", note=note)


def main():
    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from compliance.roles import COUNCIL_STAFF, DPO, ensure_groups

    # The bare view lives under its own URL; every other URL is the app's.
    settings.ROOT_URLCONF = "_urls"
    groups = ensure_groups()
    users = {}
    for name, role in (("bench-council", COUNCIL_STAFF), ("bench-dpo", DPO)):
        user = get_user_model().objects.create_user(name, f"{name}@example.invalid", "x")
        user.groups.add(groups[role])
        client = Client()
        client.force_login(user)
        users[role] = client
    added = 0
    base = obligation_count()
    print(f"real seed: {base} obligations as of {AS_OF}; adding synthetic documents ({LABEL})")
    for size in SIZES:
        if size > base + added:
            add_documents(size - base - added, added)
            added = size - base
        from compliance import register

        obligations = register.load().obligations(AS_OF)
        size = len(obligations)
        # A fiscal year's duty: its trail lists every document of its kinds that year.
        key = next(o.key for o in obligations if o.key == "plan_to_mayor-2024")
        repeat = 9
        q = f"?as_of={AS_OF.isoformat()}"
        measure_page("dashboard (first page)", users[COUNCIL_STAFF], "/" + q, size, repeat)
        measure_page("obligation page", users[COUNCIL_STAFF], f"/obligations/{key}/" + q, size, repeat)
        measure_page("inbox (Digital Policy Officer)", users[DPO], "/inbox/", size, repeat)
        measure_page("alerts inbox", users[COUNCIL_STAFF], "/alerts/", size, repeat)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()

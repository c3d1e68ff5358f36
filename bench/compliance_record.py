"""Benchmark: the compliance record at 10,000 obligations, the first view after a write.

SYNTHETIC data (every row titled "[synthetic benchmark data]") is added on top of the real
seed until the register holds about 10,000 obligations: documents received 2022-2024, half
of them forwarded. Then, each timed right after a real write (a delay reason recorded
through its service, so nothing can be warm from the write before):

* **ours**: /performance/ (signed in), /api/v1/statistics/ and /public/performance/
  statistics.csv, through Django's test client;
* **bare**: the plainest aggregate of the same rows, `SELECT fiscal_year, stream, count(*)
  FROM compliance_storedobligation GROUP BY 1, 2`, in the same run. Target: each under
  300 ms.

Then the annual report (seed, as of 2024-04-03) beside a packet, per page: target under
2x a packet's time per page.

    bench/run statistics
"""

import datetime
import os
import sys
import time

from _report import figure  # _report loads the library's statistics first (this file shadows it)
from _setup import setup

LABEL = "[synthetic benchmark data]"
AS_OF = datetime.date(2024, 6, 30)
SIZE = int(os.environ.get("BENCH_STATISTICS_SIZE", "10000"))
REPEAT = int(os.environ.get("BENCH_STATISTICS_REPEAT", "7"))


def add_documents(count):
    """`count` synthetic received documents (one forwarding duty each), half forwarded."""
    from compliance import register
    from compliance.models import Document, Forwarding, ForwardingItem, Submission

    start = datetime.date(2022, 1, 3)
    subs = Submission.objects.bulk_create(
        Submission(received_on=start + datetime.timedelta(days=i % 880), source=LABEL) for i in range(count)
    )
    docs = Document.objects.bulk_create(
        Document(
            submission=sub,
            kind=("plan_draft", "settlement")[i % 2],
            fiscal_year=2022 + i % 3,
            title=f"{LABEL} document {i}",
            source=LABEL,
        )
        for i, sub in enumerate(subs)
    )
    forwarded = [(d, s) for d, s in zip(docs, subs, strict=True) if d.pk % 2 == 0]
    fwds = Forwarding.objects.bulk_create(
        Forwarding(forwarded_on=s.received_on + datetime.timedelta(days=d.pk % 30), source=LABEL) for d, s in forwarded
    )
    ForwardingItem.objects.bulk_create(
        ForwardingItem(
            forwarding=f, document=d, description=LABEL, kind=d.kind, fiscal_year=d.fiscal_year, source=LABEL
        )
        for f, (d, _s) in zip(fwds, forwarded, strict=True)
    )
    register.rebuild()  # bulk writes send no signals: the register is rebuilt from the events


def after_writes(fn, write, repeat):
    """Median time of `fn()`, each call right after `write()` (not timed)."""
    times = []
    for _ in range(repeat):
        write()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def main():
    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from compliance import register
    from compliance.models import StoredObligation
    from compliance.roles import COUNCIL_STAFF, DPO, ensure_groups
    from compliance.rules.status import Status
    from compliance.services.city import do_record_delay_reason

    groups = ensure_groups()
    users = {}
    for name, role in (("bench-council", COUNCIL_STAFF), ("bench-dpo", DPO)):
        user = get_user_model().objects.create_user(name, f"{name}@example.invalid", "x")
        user.groups.add(groups[role])
        users[role] = user
    client = Client()
    client.force_login(users[COUNCIL_STAFF])
    public = Client()

    # The report beside a packet, on the real seed (before any synthetic data).
    import pypdf  # noqa: F401 - imported before timing, as a worker has them loaded
    import weasyprint  # noqa: F401

    from compliance.pdf.build import build
    from compliance.pdf.content import PacketRequest
    from compliance.pdf.report import ReportRequest, build_report

    seed_day = datetime.date(2024, 4, 3)
    report = min((build_report(ReportRequest(as_of=seed_day)) for _ in range(3)), key=lambda b: b.render_seconds)
    packet = min(
        (
            build(PacketRequest(scope="range", as_of=seed_day, date_from=datetime.date(2022, 1, 1), date_to=seed_day))
            for _ in range(3)
        ),
        key=lambda b: b.render_seconds,
    )
    figure(
        "annual report, per page (seed, 2024-04-03)",
        report.render_seconds / report.page_count,
        packet.render_seconds / packet.page_count,
        target="<2× a packet per page",
        note=f"report {report.page_count} pages {report.render_seconds:.2f} s; "
        f"packet {packet.page_count} pages {packet.render_seconds:.2f} s",
        baseline_label="packet",
    )

    base = StoredObligation.objects.count()
    print(f"real seed: {base} stored obligations; adding synthetic documents ({LABEL})")
    if SIZE > base:
        add_documents(SIZE - base)
    size = register.load().rows(AS_OF).count()

    keys = list(
        register.load()
        .rows(AS_OF)
        .filter(event_driven=True, status__in=[Status.LATE, Status.OVERDUE])
        .values_list("key", flat=True)[: REPEAT * 8]
    )
    pending = iter(keys)

    def write():
        do_record_delay_reason(by=users[DPO], obligation_key=next(pending), reason=LABEL, today=AS_OF)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT fiscal_year, stream, count(*) FROM compliance_storedobligation GROUP BY 1, 2")
            cursor.fetchall()

    q = f"?as_of={AS_OF.isoformat()}"
    for label, get, url in (
        ("compliance record page (signed in)", client.get, "/performance/" + q),
        ("statistics API", client.get, "/api/v1/statistics/" + q),
        ("statistics CSV (public)", public.get, "/public/performance/statistics.csv" + q),
    ):
        response = get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries = []
        with connection.execute_wrapper(lambda execute, sql, *args, q=queries: q.append(sql) or execute(sql, *args)):
            get(url)
        ours = after_writes(lambda get=get, url=url: get(url), write, REPEAT)
        floor = after_writes(bare, write, REPEAT)
        figure(
            f"{label}, after a write @ {size:,} obligations",
            ours,
            floor,
            target="<300 ms",
            note=f"{len(queries)} queries",
            baseline_label="bare GROUP BY",
        )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()

"""Benchmark: obligation generation and the dashboard as the history grows.

Adds SYNTHETIC documents (labelled "synthetic benchmark data", never shown as real) for
many fiscal years on top of the real seed, then times `load_history()` + `generate()`
and a dashboard request, and counts the dashboard's queries (which must stay flat).

    .venv/bin/python bench/obligations.py
"""

import datetime
import statistics
import time

from _setup import setup


def add_synthetic_years(first, last, copies=1):
    from compliance.models import Document, Forwarding, Submission

    for fy in [y for y in range(first, last + 1) for _ in range(copies)]:
        sub = Submission.objects.create(received_on=datetime.date(fy - 1, 7, 20), source="synthetic benchmark data")
        plan = Document.objects.create(
            submission=sub, kind="plan_draft", fiscal_year=fy, title=f"[synthetic] FY{fy} plan", source="synthetic"
        )
        res = Submission.objects.create(received_on=datetime.date(fy + 1, 1, 20), source="synthetic benchmark data")
        docs = [
            Document.objects.create(
                submission=res, kind=kind, fiscal_year=fy, title=f"[synthetic] FY{fy} {kind}", source="synthetic"
            )
            for kind in ("results", "settlement")
        ]
        fwd = Forwarding.objects.create(forwarded_on=datetime.date(fy - 1, 8, 20), source="synthetic benchmark data")
        fwd.items.create(document=plan, description="[synthetic]", kind="plan_draft", fiscal_year=fy)
        fwd = Forwarding.objects.create(forwarded_on=datetime.date(fy + 1, 2, 10), source="synthetic benchmark data")
        fwd.items.create(document=docs[1], description="[synthetic]", kind="settlement", fiscal_year=fy)


def measure(label, as_of, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compliance import register

    times = []
    for _ in range(5):
        start = time.perf_counter()
        obligations = register.load().obligations(as_of)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/", {"as_of": as_of.isoformat()})
        page = time.perf_counter() - start
    assert response.status_code == 200
    print(
        f"{label:<28} obligations={len(obligations):>5}  generate median={statistics.median(times) * 1000:7.1f} ms  "
        f"dashboard={page * 1000:7.1f} ms  queries={len(queries)}"
    )


def main():
    setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from compliance.roles import COUNCIL_STAFF, ensure_groups

    user = get_user_model().objects.create_user("bench", password="x")
    user.groups.add(ensure_groups()[COUNCIL_STAFF])
    client = Client()
    client.force_login(user)
    as_of = datetime.date(2024, 6, 30)
    measure("real seed history", as_of, client)
    add_synthetic_years(2030, 2079)
    measure("+50 synthetic years", datetime.date(2080, 6, 30), client)
    add_synthetic_years(2030, 2079, copies=4)
    measure("+50 years x5 versions", datetime.date(2080, 6, 30), client)


if __name__ == "__main__":
    main()

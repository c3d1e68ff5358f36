"""The register's summary (one GROUP BY a day) says what a query over every row says.

The dashboard's counts per badge, its filter choices and the task list's totals are sums
over `Register.summary()`; each is checked here against the direct query over the rows
it replaces, on the real seed with live records from 2024-04-04 (open duties then turn
overdue), on several days,
for every filter the summary serves and for every role (PostgreSQL).
"""

import datetime

import pytest
from django.db.models import Count
from django.db.models.functions import ExtractYear

from compliance import register
from compliance.models import Document, Submission
from compliance.register.listing import Filters, Listing
from compliance.register.outcomes import HOPS
from compliance.register.todo import LATE_STATUSES, NEXT_STATUSES, ROLE_DUTIES, task_list
from compliance.roles import ADMIN, COUNCIL_STAFF, DPO, WEGO
from compliance.rules.obligations import Status

D = datetime.date
pytestmark = pytest.mark.django_db
# 2024-07-31: the FY2025 plan falls due that very day (next, not late).
DAYS = [D(2023, 3, 1), D(2024, 2, 15), D(2024, 4, 3), D(2024, 7, 31), D(2024, 8, 20), D(2026, 12, 7)]


def direct_counts(reg, as_of, filters):
    return reg.counts(filters.narrow(reg.rows(as_of)))


def filter_cases(reg, as_of):
    known = reg.rows(as_of)
    fiscal_years = sorted(set(known.values_list("fiscal_year", flat=True)))
    duties = sorted(set(known.values_list("duty", flat=True)))
    parties = sorted(set(known.values_list("party", flat=True)))
    due_years = sorted(set(known.annotate(y=ExtractYear("due_date")).values_list("y", flat=True)))
    yield Filters()
    for fy in fiscal_years:
        yield Filters(fiscal_year=fy)
    for duty in duties:
        yield Filters(duty=duty)
        yield Filters(duty=duty, fiscal_year=fiscal_years[-1])
    for party in parties:
        yield Filters(party=party)
    for year in due_years:
        yield Filters(due_year=year)
    for hop in HOPS:
        yield Filters(hop=hop)
        yield Filters(hop=hop, status=Status.OVERDUE)
    yield Filters(fiscal_year=1999)  # nothing in scope


@pytest.mark.parametrize("as_of", DAYS)
def test_the_counts_per_badge_equal_a_count_of_the_rows(seed, live_records, as_of):
    reg = register.load()
    listing = Listing(reg, as_of)
    checked = 0
    for filters in filter_cases(reg, as_of):
        selection = listing.select(filters)
        assert selection.counts == direct_counts(register.load(), as_of, filters), filters
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("as_of", DAYS)
def test_the_filter_choices_are_those_of_the_rows(seed, live_records, as_of):
    reg = register.load()
    listing = Listing(reg, as_of)
    rows = reg.rows(as_of)
    assert listing.fiscal_years == sorted(set(rows.values_list("fiscal_year", flat=True)))
    assert listing.duties == set(rows.values_list("duty", flat=True))
    years = set(rows.annotate(y=ExtractYear("due_date")).values_list("y", flat=True))
    assert set(listing.due_years) == years


@pytest.mark.parametrize("as_of", DAYS)
@pytest.mark.parametrize("role", [WEGO, DPO, ADMIN, COUNCIL_STAFF])
def test_the_task_totals_and_rows_are_those_of_the_rows(seed, live_records, as_of, role):
    assert_tasks_are_those_of_the_rows(as_of, role)


def test_a_duty_falling_due_on_the_day_is_next_not_late(seed, live_records):
    """Test data: a FY2025 plan draft received 2024-08-01; on the day its forwarding falls
    due it is the DPO's next task, while the seed's unforwarded documents are late."""
    sub = Submission.objects.create(received_on=D(2024, 8, 1), source="synthetic test data")
    doc = Document.objects.create(
        submission=sub, kind="plan_draft", fiscal_year=2025, title="synthetic test data", source="synthetic test data"
    )
    duty = register.load().known(D(2024, 8, 1)).get(document=doc, duty__startswith="forward_")
    found = assert_tasks_are_those_of_the_rows(duty.target, DPO)
    assert duty.key in [t.key for t in found.next]
    assert found.late and duty.key not in [t.key for t in found.late]


def assert_tasks_are_those_of_the_rows(as_of, role):
    reg = register.load()
    found = task_list(reg, as_of, role)
    mine = register.load().rows(as_of).filter(ROLE_DUTIES[role])
    totals = dict(mine.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    assert found.next_total == sum(totals.get(s, 0) for s in NEXT_STATUSES)
    assert found.late_total == sum(totals.get(s, 0) for s in LATE_STATUSES)
    # The rows: the first few of each list by the status itself, not by the target's range.
    expect_next = mine.filter(status__in=NEXT_STATUSES).order_by("target", "ordering", "key")
    expect_late = mine.filter(status__in=LATE_STATUSES).order_by("-target", "ordering", "key")
    assert [t.key for t in found.next] == list(expect_next.values_list("key", flat=True)[:5])
    assert [t.key for t in found.late] == list(expect_late.values_list("key", flat=True)[:5])
    for task in found.next + found.late:
        row = mine.get(key=task.key)
        assert task.due == row.target
        assert task.records_end == (row.covered_to if row.at_records_end else None)
    return found

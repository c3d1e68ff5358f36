"""An agreed extension counts from the day it was agreed: a status as of an earlier day
is judged against the statutory date, in SQL (lists, counts, the compliance record) and
by the pure rules (a page's rows) alike (PostgreSQL).

Seed with live records from 2024-04-04, plus test data: the FY2027 business plan, due
2026-07-31 and never received, gets an extension to 2027-01-29 agreed on 2026-10-01.
"""

import datetime

import pytest

from compliance import register
from compliance.register.listing import Filters, Listing
from compliance.register.outcomes import OUTCOMES
from compliance.rules.obligations import Status
from compliance.services.extensions import do_record_extension

D = datetime.date
pytestmark = pytest.mark.django_db
KEY = "plan_to_mayor-2027"
AGREED = D(2026, 10, 1)


@pytest.fixture
def extended(live_records, dpo_user):
    reg = register.load()
    plan = reg.get(KEY, D(2026, 9, 1))
    assert plan is not None and plan.due_date == D(2026, 7, 31) and plan.fulfilled_on is None
    do_record_extension(
        by=dpo_user,
        obligation_key=KEY,
        extended_to=D(2027, 1, 29),
        basis="Synthetic test data: 지원 협약 제7조②",
        granted_by="Synthetic test data: 서울특별시장",
        granted_on=AGREED,
        document=None,
        token="as-of-1",
        today=AGREED,
    )
    return plan


@pytest.mark.parametrize(
    ("as_of", "badge", "extended_due"),
    [
        (D(2026, 9, 1), Status.OVERDUE, None),  # before it was agreed: overdue since 1 August
        (D(2026, 9, 30), Status.OVERDUE, None),
        (AGREED, Status.WITHIN_EXTENSION, D(2027, 1, 29)),  # from the day it was agreed
        (D(2026, 12, 7), Status.WITHIN_EXTENSION, D(2027, 1, 29)),
    ],
)
def test_the_extension_counts_from_the_day_it_was_agreed(extended, as_of, badge, extended_due):
    reg = register.load()
    # The pure rules, on the row a page shows.
    obligation = reg.get(KEY, as_of)
    assert obligation.status_key == badge
    assert obligation.extended_due_date == extended_due
    # The same in SQL: the row's badge, the dashboard's count and the "extended" outcome.
    row = reg.rows(as_of).get(key=KEY)
    assert row.badge == badge
    assert row.judged_to == (extended_due or D(2026, 7, 31))
    counts = Listing(reg, as_of).select(Filters(duty="plan_to_mayor", fiscal_year=2027)).counts
    assert counts == {badge: 1}
    assert reg.rows(as_of).filter(OUTCOMES["extended"], key=KEY).exists() is (extended_due is not None)


def test_a_day_before_any_agreement_reads_the_register_as_it_is(live_records):
    """Nothing agreed after the day asked: the day judged by is the stored target itself."""
    reg = register.load()
    assert not reg.agreed_after(D(2026, 9, 1))
    query = str(reg.rows(D(2026, 9, 1)).query)
    assert '"extended_from" >' not in query and '"target"' in query

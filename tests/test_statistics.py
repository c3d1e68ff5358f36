"""The compliance record's figures (compliance/statistics.py): the seed's figures worked out
by hand, the GROUP BY agreeing with the obligations the API lists, and the what-if view."""

import datetime

import pytest

from compliance import register, statistics
from compliance.models import DelayReason, StoredObligation

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2024, 4, 3)  # the day the bill was proposed; the seed's records end then

# The seed's figures as of 2024-04-03, worked out by hand from DOMAIN.md's history, never
# by the code under test. Columns: due, on_time, late, overdue, past_grace, no_record,
# extended, on_time_rate, median_days_late, max_days_late.
#
# WeGO → Mayor (calendar days past the due date):
# - FY2021: results and settlement due 2022-02-28, both received 2022-01-21: 2 on time.
#   (The FY2021 and FY2022 plans were due in July 2020/2021, before the tracking start
#   2022-01-01: not generated.)
# - FY2022: results and settlement due 2023-02-28, received 2023-01-16: 2 on time.
# - FY2023: plan due 2022-07-31 (Sunday; a backward deadline does not move), the draft
#   received 2022-08-16: 16 days late. Results and settlement due 2024-02-29, received
#   2024-01-25: on time. 2 of 3 on time, median = worst = 16.
# - FY2024: plan due 2023-07-31, draft received 2023-07-19: on time. Results and
#   settlement are due 2025-02-28: not due yet.
# - FY2025: plan due 2024-07-31: not due yet.
#
# Mayor → Council ("without delay": 10 business days' grace; delays in business days
# from the receipt, the receipt day not counted):
# - FY2021: the settlement (with results) received 2022-01-21 was never forwarded; the
#   forwarding records cover 2022-01-01..2024-04-03: overdue, past grace. Results were
#   not forwarded either but that duty exists only in the bill. 0 of 1.
# - FY2022: the final plan received 2022-01-19, never forwarded: overdue. The settlement
#   received 2023-01-16, forwarded 2023-03-17: business days Jan 17–31 are 11 weekdays
#   minus 설날 2023-01-23 and its substitute 01-24 = 9; February 20; March 1–17 are 13
#   weekdays minus 삼일절 = 12; 9 + 20 + 12 = 41, past the 10-day grace: late. 0 of 2.
# - FY2023: the draft plan received 2022-08-16, forwarded 2022-11-07: Aug 17–31 = 11;
#   September 22 weekdays minus 추석 09-09 and its substitute 09-12 = 20; October 21
#   minus 개천절 10-03 and 한글날's substitute 10-10 = 19; Nov 1–7 = 5: 55, late. The
#   final plan received 2023-01-16, forwarded 2023-03-17: 41 as above, late. The FY2023
#   settlement received 2024-01-25, forwarded 2024-02-06 (8 business days): on time.
#   1 of 3; delays 41 and 55: median 48, worst 55.
# - FY2024: the draft received 2023-07-19; its revision (2023-10-23) was forwarded
#   2023-11-17, which also fulfils the draft's duty: Jul 20–31 = 8; August 23 minus
#   광복절 = 22; September 21 minus 추석 09-28, 09-29 = 19; October 22 minus the temporary
#   holiday 10-02, 개천절 10-03, 한글날 10-09 = 19; Nov 1–17 = 13: 81. The revision:
#   Oct 24–31 = 6, Nov 1–17 = 13: 19. Both late: 0 of 2, median 50, worst 81.
# - FY2025: nothing received.
#
# Mayor → committee: the duty exists only in the bill, so no obligation arises: all 0.
HAND = {
    (2021, "to_mayor"): (2, 2, 0, 0, 0, 0, 0, 1.0, None, None),
    (2021, "to_council"): (1, 0, 0, 1, 1, 0, 0, 0.0, None, None),
    (2022, "to_mayor"): (2, 2, 0, 0, 0, 0, 0, 1.0, None, None),
    (2022, "to_council"): (2, 0, 1, 1, 2, 0, 0, 0.0, 41.0, 41),
    (2023, "to_mayor"): (3, 2, 1, 0, 0, 0, 0, 0.6667, 16.0, 16),
    (2023, "to_council"): (3, 1, 2, 0, 2, 0, 0, 0.3333, 48.0, 55),
    (2024, "to_mayor"): (1, 1, 0, 0, 0, 0, 0, 1.0, None, None),
    (2024, "to_council"): (2, 0, 2, 0, 2, 0, 0, 0.0, 50.0, 81),
    (2025, "to_mayor"): (0, 0, 0, 0, 0, 0, 0, None, None, None),
    (2025, "to_council"): (0, 0, 0, 0, 0, 0, 0, None, None, None),
}
NONE = (0, 0, 0, 0, 0, 0, 0, None, None, None)
COLUMNS = statistics.FIELDS[2:]


def _table(record):
    return {(r.fiscal_year, r.hop): tuple(r.as_row()[c] for c in COLUMNS) for r in record.rows}


def test_the_seeds_figures_as_of_2024_04_03_per_fiscal_year_and_hop(seed):
    table = _table(statistics.compute(register.load(), AS_OF))
    expected = {(fy, hop): HAND.get((fy, hop), NONE) for fy in range(2021, 2026) for hop in statistics.HOPS}
    assert table == expected


def test_the_public_sees_every_count_but_not_the_delay_of_an_undisclosed_document(seed):
    """The FY2024 draft plan (received 2023-07-19) was never forwarded itself (its revision
    was): its 81 business days would tell the receipt date, so the public median and worst
    are the revision's 19 alone. Every count stays the same."""
    inside = _table(statistics.compute(register.load(), AS_OF))
    record = statistics.compute(register.load(), AS_OF, public=True)
    public = _table(record)
    assert public[(2024, "to_council")] == (2, 0, 2, 0, 2, 0, 0, 0.0, 19.0, 19)
    row = next(r for r in record.rows if (r.fiscal_year, r.hop) == (2024, "to_council"))
    assert row.delays_withheld == 1
    assert {k: v for k, v in public.items() if k != (2024, "to_council")} == {
        k: v for k, v in inside.items() if k != (2024, "to_council")
    }


def test_the_group_by_agrees_with_the_obligations_counted_one_by_one(seed, live_records):
    """The SQL counts and the pure count of the materialised obligations agree, on the
    seed's day and on later days with no record (2025) and with live records."""
    reg = register.load()
    for day in (AS_OF, datetime.date(2024, 9, 1), datetime.date(2025, 6, 30)):
        by_sql = [r.as_row() for r in statistics.compute(reg, day).rows]
        one_by_one = [r.as_row() for r in statistics.figures_of(reg.obligations(day))]
        assert by_sql == one_by_one


def test_no_record_is_counted_as_due_and_left_out_of_the_rate(seed):
    """On 2025-03-10 the FY2024 results and settlement (due 2025-02-28) are past due, but the
    receipt records end on 2024-04-03: no record, due, and not in the rate (2 of 2 rated
    for FY2023 stays 2 of 3; FY2024 to_mayor is 1 of 1 rated with 2 no record)."""
    record = statistics.compute(register.load(), datetime.date(2025, 3, 10))
    fy2024 = next(r for r in record.rows if (r.fiscal_year, r.hop) == (2024, "to_mayor"))
    assert (fy2024.due, fy2024.on_time, fy2024.no_record, fy2024.rated, fy2024.on_time_rate) == (3, 1, 2, 1, 1.0)


def test_a_reason_recorded_and_an_extension_are_counted(seed, dpo_user):
    from compliance.services.city import do_record_delay_reason

    do_record_delay_reason(
        by=dpo_user, obligation_key="forward_plan_to_council-2022-d1", reason="test data", today=AS_OF
    )
    # No service grants extensions yet: the stored column is set as one would be (test data).
    StoredObligation.objects.filter(key="results_to_mayor-2024").update(
        extended_to=datetime.date(2025, 3, 31), extension_basis="test data"
    )
    record = statistics.compute(register.load(), datetime.date(2025, 3, 10))
    fy2022 = next(r for r in record.rows if (r.fiscal_year, r.hop) == (2022, "to_council"))
    assert (fy2022.past_grace, fy2022.past_grace_reason, fy2022.past_grace_no_reason) == (2, 1, 1)
    fy2024 = next(r for r in record.rows if (r.fiscal_year, r.hop) == (2024, "to_mayor"))
    # Extended to 2025-03-31: not yet due on 2025-03-10, and listed as extended.
    assert (fy2024.extended, fy2024.due, fy2024.no_record) == (1, 2, 1)
    assert DelayReason.objects.count() == 1


def test_recently_overdue_is_what_passed_its_date_in_the_last_30_days(seed, live_records):
    """With live records from 2024-04-04, the FY2024 results and settlement (due
    2025-02-28, not received) became overdue on 2025-03-01: listed from 2025-03-01 until
    2025-03-30 (30 days), gone on 2025-03-31."""
    reg = register.load()
    assert statistics.compute(reg, datetime.date(2025, 2, 28)).recent == []
    first = statistics.compute(reg, datetime.date(2025, 3, 1)).recent
    assert sorted(o.key for o in first) == ["results_to_mayor-2024", "settlement_to_mayor-2024"]
    last = statistics.compute(reg, datetime.date(2025, 3, 30)).recent
    assert len(last) == 2
    assert statistics.compute(reg, datetime.date(2025, 3, 31)).recent == []


def test_what_if_figures_are_marked_and_count_the_bills_duties(seed):
    """With the bill assumed in force from 2022-01-01 the committee reports and the
    forwarding of results arise: figures differ from the law's and say what_if."""
    reg = register.load()
    record = statistics.compute(reg, AS_OF, what_if=True, what_if_from=datetime.date(2022, 1, 1))
    assert record.what_if and record.what_if_from == datetime.date(2022, 1, 1)
    table = _table(record)
    # FY2021: the results received 2022-01-21 are now also owed to the Council, not forwarded.
    assert table[(2021, "to_council")][:4] == (2, 0, 0, 2)
    assert sum(v[0] for (fy, hop), v in table.items() if hop == "to_committee") > 0
    assert not statistics.compute(reg, AS_OF).what_if


def test_fiscal_years_are_narrowed(seed):
    record = statistics.compute(register.load(), AS_OF, from_fy=2022, to_fy=2023)
    assert record.fiscal_years == [2022, 2023]

"""The calculator is pure: a rule record, a calendar and a date in; a due date and the days crossed out."""

import datetime

from compliance.rules import deadlines
from compliance.rules.calculator import calculate, needed_input
from compliance.rules.calendar import HolidayCalendar
from compliance.rules.obligations import RuleRec

CAL = HolidayCalendar()
RESULTS = RuleRec(id=1, code="results_to_mayor", anchor="month_end", anchor_month=2, anchor_year_offset=1)
PLAN = RuleRec(id=2, code="plan_to_mayor", anchor="fiscal_year_start", direction="backward", offset_months=-5)
FORWARD = RuleRec(id=3, code="forward_plan_to_council", anchor="receipt", grace_business_days=10)
REPORT = RuleRec(id=4, code="report_plan_to_committee", anchor="forwarding", grace_business_days=10)


def test_each_anchor_names_the_input_it_needs():
    assert [needed_input(r) for r in (RESULTS, PLAN, FORWARD, REPORT)] == [
        "fiscal_year",
        "fiscal_year",
        "received_on",
        "forwarded_on",
    ]


def test_results_fy2025_roll_over_a_saturday_samiljeol_and_its_substitute():
    result = calculate(RESULTS, CAL, fiscal_year=2025)
    assert result.due == datetime.date(2026, 3, 3)
    assert [c.day.isoformat() for c in result.crossed] == ["2026-02-28", "2026-03-01", "2026-03-02"]
    assert result.submit_by is None


def test_a_backward_deadline_on_a_sunday_stays_and_advises_the_friday():
    result = calculate(PLAN, CAL, fiscal_year=2023)
    assert (result.due, result.submit_by) == (datetime.date(2022, 7, 31), datetime.date(2022, 7, 29))
    assert [c.why.en for c in result.crossed] == ["a Saturday", "a Sunday"]


def test_a_committee_report_is_due_at_the_end_of_the_next_session_without_counting_days():
    sessions = [(datetime.date(2024, 2, 20), datetime.date(2024, 3, 8), deadlines.session_label(222, "extraordinary"))]
    result = calculate(REPORT, CAL, trigger=datetime.date(2024, 2, 6), sessions=sessions)
    assert result.due == datetime.date(2024, 3, 8) and result.crossed == ()

"""The duty rule's fields drive the engine; nonsense is refused with a clear message (PostgreSQL)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compliance import register
from compliance.models import DutyRule

pytestmark = pytest.mark.django_db
D = datetime.date


def test_results_rule_that_does_not_move_makes_fy2025_due_on_saturday_28_february(seed):
    assert register.load().get("results_to_mayor-2025", D(2025, 6, 1)).due_date == D(2026, 3, 3)
    rule = DutyRule.objects.get(code="results_to_mayor")
    rule.holiday_rule = "no_roll"
    rule.full_clean()
    rule.save()
    ob = register.load().get("results_to_mayor-2025", D(2025, 6, 1))
    assert ob.due_date == D(2026, 2, 28)
    assert "옮기지 않음" in " ".join(ob.deadline.derivation("ko"))


def test_a_rule_counted_back_with_a_positive_offset_is_refused_clearly(seed):
    rule = DutyRule.objects.get(code="plan_to_mayor")
    rule.offset_months = 5
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            rule.full_clean()
        assert "needs a negative offset" in str(excinfo.value.message_dict["offset_months"])


def test_committee_report_timing_is_rule_data(seed):
    from compliance.models import CouncilSession

    def report():
        reg = register.load()
        return reg.get(
            "report_settlement_to_committee-2023-d13", D(2024, 4, 3), what_if=True, what_if_from=D(2022, 1, 1)
        )

    assert report().deadline.provisional  # no session on record after 2024-02-06
    CouncilSession.objects.create(number=322, kind="extraordinary", starts_on=D(2024, 2, 20), ends_on=D(2024, 3, 8))
    assert (report().due_date, report().deadline.provisional) == (D(2024, 3, 8), False)
    # The amendment passes with "연초로 일원화": one report by 31 January.
    DutyRule.objects.filter(code="report_settlement_to_committee").update(
        report_timing="fixed_date", report_month=1, report_day=31
    )
    register.rebuild()  # QuerySet.update() sends no signal
    assert report().due_date == D(2025, 1, 31)


def test_a_yearly_report_date_must_be_a_real_day(seed):
    rule = DutyRule.objects.get(code="report_settlement_to_committee")
    rule.report_timing, rule.report_month, rule.report_day = "fixed_date", 2, 31
    with pytest.raises(ValidationError) as excinfo:
        rule.full_clean()
    assert "report_day" in excinfo.value.message_dict

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
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        rule.full_clean()
    assert "needs a negative offset" in str(excinfo.value.message_dict["offset_months"])

"""Recording and withdrawing agreed extensions (compliance.services.extensions): who may,
what is refused (in Korean and English, nothing saved), and what the register is given."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from compliance import register, services
from compliance.models import AuditEntry, Extension, FormToken, latest_active_extensions

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _obligation(duty, fulfilled):
    """A seed obligation of `duty`, fulfilled or not as of TODAY."""
    for o in register.load().obligations(TODAY):
        if o.duty == duty and (o.fulfilled_on is not None) == fulfilled:
            return o
    raise AssertionError(f"no {'fulfilled' if fulfilled else 'open'} {duty} in the seed")


@pytest.fixture
def open_plan(seed):
    """The latest business plan due to the Mayor, not submitted yet (a fiscal-year duty)."""
    plans = [o for o in register.load().obligations(TODAY) if o.duty == "plan_to_mayor" and o.fulfilled_on is None]
    return max(plans, key=lambda o: o.fiscal_year)


def _record(user, obligation, language="en", **overrides):
    values = {
        "obligation_key": obligation.key,
        "extended_to": obligation.due_date + datetime.timedelta(days=30),
        "basis": "Synthetic test data: funding agreement, clause 7(2)",
        "granted_by": "Synthetic test data: the Mayor",
        "granted_on": TODAY - datetime.timedelta(days=1),
    }
    values.update(overrides)
    with translation.override(language):
        return services.do_record_extension(by=user, **values)


def _refusal(user, obligation, language, **overrides):
    with pytest.raises(ValidationError) as caught:
        _record(user, obligation, language, **overrides)
    return caught.value.message_dict


def test_the_dpo_records_an_extension_audited_and_the_register_is_given_it(open_plan, dpo_user):
    outcome = _record(dpo_user, open_plan, token="once")
    extension = outcome.obj
    assert outcome.created and extension.recorded_by == dpo_user and extension.recorded_on == TODAY
    assert extension.extended_to == open_plan.due_date + datetime.timedelta(days=30)
    entry = AuditEntry.objects.get(model="compliance.extension", object_pk=str(extension.pk))
    assert entry.actor_id == dpo_user.pk and f"obligation:{open_plan.key}" in entry.refs
    assert latest_active_extensions({open_plan.key, "no-such-key"}) == {open_plan.key: extension}
    # The same form posted again records nothing more.
    again = _record(dpo_user, open_plan, token="once")
    assert not again.created and again.obj == extension and Extension.objects.count() == 1


def test_an_administrator_may_record_one_too(open_plan, admin_user):
    assert _record(admin_user, open_plan).created


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "디지털정책관과 관리자만 합의 연장을 기록할 수 있습니다."),
        ("en", "Only the Digital Policy Officer and administrators may record an agreed extension."),
    ],
)
@pytest.mark.parametrize("role", ["council_user", "wego_user"])
def test_other_roles_are_refused_in_their_language_and_nothing_is_saved(request, open_plan, role, language, message):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied) as caught:
        _record(user, open_plan, language)
    assert str(caught.value) == message
    assert not Extension.objects.exists() and not FormToken.objects.exists()
    assert not AuditEntry.objects.filter(model="compliance.extension").exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ko", "합의 연장 기한은 법정 기한"),
        ("en", "The agreed date must be after the statutory due date"),
    ],
)
@pytest.mark.parametrize("days", [0, -1])
def test_an_extension_on_or_before_the_statutory_date_is_refused(open_plan, dpo_user, language, words, days):
    errors = _refusal(dpo_user, open_plan, language, extended_to=open_plan.due_date + datetime.timedelta(days=days))
    assert any(words in m for m in errors["extended_to"]), errors
    assert not Extension.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ko", "의무가 생긴 사건"),
        ("en", "cannot be before the event the duty follows from"),
    ],
)
def test_an_extension_to_a_date_before_the_receipt_it_follows_is_refused(seed, dpo_user, language, words):
    forwarding = _obligation("forward_plan_to_council", fulfilled=False)
    before = forwarding.trigger_date - datetime.timedelta(days=1)
    errors = _refusal(dpo_user, forwarding, language, extended_to=before)
    assert any(words in m for m in errors["extended_to"]), errors
    assert not Extension.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ko", "이미 이행되었으므로 연장할 기한이 없습니다"),
        ("en", "was already fulfilled on"),
    ],
)
def test_a_fulfilled_duty_cannot_be_extended(seed, dpo_user, language, words):
    done = _obligation("plan_to_mayor", fulfilled=True)
    errors = _refusal(dpo_user, done, language)
    assert any(words in m for m in errors["obligation_key"]), errors
    assert not Extension.objects.exists()


def test_unknown_obligations_blank_fields_and_future_grants_are_refused(open_plan, dpo_user):
    errors = _refusal(dpo_user, open_plan, "en", obligation_key="plan_to_mayor-1999")
    assert errors["obligation_key"] == ["No obligation has the key “plan_to_mayor-1999”."]
    errors = _refusal(dpo_user, open_plan, "ko", basis=" ", granted_by="", granted_on=TODAY + datetime.timedelta(1))
    assert set(errors) == {"basis", "granted_by", "granted_on"}
    assert "오늘은 2026. 12. 7.(월)" in errors["granted_on"][0]
    assert not Extension.objects.exists()


def test_a_withdrawn_extension_is_kept_and_no_longer_in_effect(open_plan, dpo_user, council_user):
    first = _record(dpo_user, open_plan, granted_on=TODAY - datetime.timedelta(days=5)).obj
    second = _record(dpo_user, open_plan, extended_to=open_plan.due_date + datetime.timedelta(days=60)).obj
    assert latest_active_extensions([open_plan.key])[open_plan.key] == second
    with pytest.raises(PermissionDenied):
        services.do_withdraw_extension(by=council_user, extension=second, reason="x")
    with pytest.raises(ValidationError):
        services.do_withdraw_extension(by=dpo_user, extension=second, reason=" ")
    services.do_withdraw_extension(by=dpo_user, extension=second, reason="Synthetic: superseded by a decision")
    second.refresh_from_db()
    assert second.withdrawn_on == TODAY and second.withdrawn_by == dpo_user
    assert latest_active_extensions([open_plan.key])[open_plan.key] == first
    with translation.override("en"), pytest.raises(ValidationError, match="already withdrawn on Mon 7 Dec 2026"):
        services.do_withdraw_extension(by=dpo_user, extension=second, reason="again")

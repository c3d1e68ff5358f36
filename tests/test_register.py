"""Obligations generated from the real seed history, as of several dates (PostgreSQL)."""

import datetime

import pytest
from django.utils import translation

from compliance import register
from compliance.labels import status_label
from compliance.models import Document, DutyRule, Forwarding, ForwardingItem, Provision, Submission
from compliance.register import load_history
from compliance.rules.obligations import Status, status_as_of

D = datetime.date
pytestmark = pytest.mark.django_db


def by_key(as_of, **kwargs):
    return {o.key: o for o in register.load().obligations(as_of, **kwargs)}


@pytest.mark.parametrize(
    ("due", "fulfilled", "as_of", "expected"),
    [
        (D(2024, 2, 29), D(2024, 1, 25), D(2024, 6, 1), Status.ON_TIME),
        (D(2024, 2, 29), D(2024, 2, 29), D(2024, 6, 1), Status.ON_TIME),
        (D(2024, 2, 29), D(2024, 3, 1), D(2024, 6, 1), Status.LATE),
        (D(2024, 2, 29), None, D(2024, 3, 1), Status.OVERDUE),
        (D(2024, 2, 29), None, D(2024, 2, 29), Status.DUE_SOON),
        (D(2024, 2, 29), None, D(2024, 1, 30), Status.DUE_SOON),
        (D(2024, 2, 29), None, D(2024, 1, 29), Status.UPCOMING),
        # A fulfilment after "as of" has not happened yet on that day.
        (D(2024, 2, 29), D(2024, 3, 5), D(2024, 3, 1), Status.OVERDUE),
        (D(2024, 2, 29), D(2024, 2, 10), D(2024, 2, 1), Status.DUE_SOON),
    ],
)
def test_status_is_derived_from_due_fulfilment_and_as_of(due, fulfilled, as_of, expected):
    assert status_as_of(due, fulfilled, as_of, due_soon_days=30) == expected


def test_fy2023_plan_reached_the_mayor_16_days_late(seed):
    plan = by_key(D(2024, 6, 30))["plan_to_mayor-2023"]
    assert plan.due_date == D(2022, 7, 31)
    assert plan.status == Status.LATE
    assert plan.fulfilled_on == D(2022, 8, 16)
    assert plan.days_late == 16
    assert plan.document.kind == "plan_draft"


def test_first_receipt_fulfils_the_plan_duty_and_a_revision_does_not_reset_it(seed):
    plan = by_key(D(2024, 6, 30))["plan_to_mayor-2024"]
    assert (plan.status, plan.fulfilled_on) == (Status.ON_TIME, D(2023, 7, 19))


@pytest.mark.parametrize("fy", [2021, 2022, 2023])
def test_results_and_settlement_arrived_before_the_end_of_february(seed, fy):
    obligations = by_key(D(2024, 6, 30))
    for duty in ("results_to_mayor", "settlement_to_mayor"):
        assert obligations[f"{duty}-{fy}"].status == Status.ON_TIME


def test_forwardings_that_took_far_longer_than_ten_business_days_are_delayed(seed):
    obligations = by_key(D(2024, 6, 30))
    draft_2023 = obligations["forward_plan_to_council-2023-d7"]
    assert draft_2023.trigger_date == D(2022, 8, 16)
    assert draft_2023.due_date == D(2022, 8, 30)
    assert draft_2023.fulfilled_on == D(2022, 11, 7)
    assert draft_2023.status == Status.LATE
    with translation.override("en"):
        assert str(status_label(draft_2023)) == "Forwarded after the grace — reason required"
    with translation.override("ko"):
        assert str(status_label(draft_2023)) == "유예 기간 후 송부 — 사유 기재 필요"
    assert obligations["forward_settlement_to_council-2022-d8"].fulfilled_on == D(2023, 3, 17)
    assert obligations["forward_settlement_to_council-2022-d8"].status == Status.LATE
    # FY2023 settlement: received 2024-01-25, forwarded 2024-02-06, within the grace.
    settlement_2023 = obligations["forward_settlement_to_council-2023-d13"]
    assert (settlement_2023.due_date, settlement_2023.status) == (D(2024, 2, 8), Status.ON_TIME)


def test_forwarding_a_revision_fulfils_the_forwarding_of_the_version_it_supersedes(seed):
    obligations = by_key(D(2024, 6, 30))
    draft = obligations["forward_plan_to_council-2024-d11"]
    revision = obligations["forward_plan_to_council-2024-d12"]
    assert draft.fulfilled_on == revision.fulfilled_on == D(2023, 11, 17)
    # The delay of the older version counts from its own receipt.
    assert draft.due_date == D(2023, 8, 2)
    assert draft.days_late == (D(2023, 11, 17) - D(2023, 8, 2)).days


def test_documents_never_forwarded_stay_overdue_while_the_records_last(seed):
    obligations = by_key(D(2024, 4, 3))
    assert obligations["forward_plan_to_council-2022-d1"].status == Status.OVERDUE
    assert obligations["forward_settlement_to_council-2021-d5"].status == Status.OVERDUE
    # After the seed's coverage (through 2024-04-03) the records still prove that they
    # had not been sent by then, long after the grace: past the grace on the last covered
    # day, nothing known since (DOMAIN.md "Status").
    ob = by_key(D(2024, 6, 30))["forward_plan_to_council-2022-d1"]
    assert ob.status == Status.OVERDUE
    assert ob.status_key == Status.PAST_GRACE_AT_RECORDS_END
    assert ob.records_end == D(2024, 4, 3)
    # Received Wed 2022-01-19; ten business days skip the weekends and 설날 (31 Jan - 2 Feb):
    # the grace ended Mon 2022-02-07, 786 calendar days before 2024-04-03.
    assert ob.due_date == D(2022, 2, 7)
    assert ob.days_overdue_at_records_end == ob.days_overdue == 786
    assert ob.as_json()["days_overdue_at_records_end"] == 786
    assert ob.as_json()["records_end"] == "2024-04-03"


def test_results_are_not_forwarded_under_the_current_text(seed):
    keys = by_key(D(2024, 6, 30)).keys()
    assert not any(k.startswith(("forward_results", "report_")) for k in keys)


def test_what_if_the_amendment_were_in_force_adds_results_forwarding_and_committee_reports(seed):
    obligations = by_key(D(2024, 4, 3), what_if=True, what_if_from=D(2022, 1, 1))
    assert obligations["forward_results_to_council-2023-d14"].status == Status.OVERDUE
    assert obligations["forward_results_to_council-2023-d14"].what_if is True
    # Forwarded documents then need a committee report; no sessions are on record, so the
    # grace applies. The seed records no committee reports at all: no record, not overdue.
    report = obligations["report_settlement_to_committee-2023-d13"]
    assert report.trigger_date == D(2024, 2, 6)
    assert report.status == Status.NO_RECORD


def test_setting_the_amendment_effective_date_applies_it_from_that_day(seed):
    Provision.objects.filter(version_label="2024 개정안").update(is_proposed=False, effective_from=D(2024, 1, 1))
    register.rebuild()  # QuerySet.update() sends no signal: a bulk writer says so
    obligations = by_key(D(2024, 6, 30))
    assert "forward_results_to_council-2023-d14" in obligations  # received 2024-01-25
    assert "forward_results_to_council-2022-d9" not in obligations  # received 2023-01-16, before
    assert "forward_plan_to_council-2024-d12" in obligations  # the base text still applied then


def test_as_of_before_the_events_shows_what_was_known_then(seed):
    obligations = by_key(D(2022, 7, 15))
    plan = obligations["plan_to_mayor-2023"]
    assert plan.status == Status.DUE_SOON
    assert plan.fulfilled_on is None
    assert "forward_plan_to_council-2023-d7" not in obligations  # not received yet
    assert by_key(D(2022, 8, 1))["plan_to_mayor-2023"].status == Status.OVERDUE
    assert by_key(D(2022, 8, 1))["plan_to_mayor-2023"].days_overdue == 1
    assert by_key(D(2022, 8, 1))["plan_to_mayor-2023"].days_late is None


def test_obligations_due_before_tracking_start_are_not_generated(seed):
    keys = by_key(D(2024, 6, 30)).keys()
    assert "plan_to_mayor-2022" not in keys  # due 2021-07-31
    assert "results_to_mayor-2020" not in keys  # due 2021-03-02


def test_future_duties_are_upcoming_and_due_soon(seed):
    from compliance.models import RecordCoverage

    # The app is live from 2025-01-01: the records are complete from then on.
    for stream in ("receipts", "forwardings"):
        RecordCoverage.objects.create(stream=stream, starts_on=D(2025, 1, 1), source="test: live")
    obligations = by_key(D(2026, 11, 25))
    assert obligations["plan_to_mayor-2027"].status == Status.OVERDUE  # due 2026-07-31, nothing received
    assert obligations["results_to_mayor-2025"].due_date == D(2026, 3, 3)
    assert obligations["results_to_mayor-2026"].status == Status.UPCOMING
    assert obligations["plan_to_mayor-2028"].status == Status.UPCOMING
    assert by_key(D(2027, 2, 1))["results_to_mayor-2026"].status == Status.DUE_SOON


def test_a_holiday_override_moves_a_fixed_deadline(seed):
    from compliance.models import HolidayOverride

    HolidayOverride.objects.create(date=D(2025, 2, 28), kind="add", name_ko="임시공휴일", name_en="Temporary holiday")
    assert by_key(D(2025, 1, 1))["results_to_mayor-2024"].due_date == D(2025, 3, 4)


def test_grace_period_is_data_per_duty(seed):
    DutyRule.objects.filter(code="forward_plan_to_council").update(grace_business_days=60)
    register.rebuild()  # QuerySet.update() sends no signal
    assert by_key(D(2024, 6, 30))["forward_plan_to_council-2023-d7"].status == Status.ON_TIME


def test_unmatched_forwarded_item_fulfils_nothing(seed):
    item = ForwardingItem.objects.get(document__isnull=True)
    assert (item.forwarding.forwarded_on, item.kind) == (D(2024, 2, 6), "plan_final")
    fulfilled_that_day = [o.key for o in by_key(D(2024, 6, 30)).values() if o.fulfilled_on == D(2024, 2, 6)]
    assert fulfilled_that_day == ["forward_settlement_to_council-2023-d13"]


def test_load_history_uses_a_constant_number_of_queries(seed, django_assert_num_queries):
    with django_assert_num_queries(11):
        load_history()
    sub = Submission.objects.create(received_on=D(2024, 3, 1), source="synthetic test data")
    for i in range(30):
        doc = Document.objects.create(
            submission=sub, kind="plan_draft", fiscal_year=2025, title=f"synthetic {i}", source="synthetic"
        )
        Forwarding.objects.create(forwarded_on=D(2024, 3, 5), source="synthetic").items.create(
            document=doc, description="synthetic", kind="plan_draft", fiscal_year=2025
        )
    with django_assert_num_queries(11):
        load_history()


def test_a_register_keeps_nothing_between_requests(seed, dpo_user):
    from compliance.models import DelayReason

    key = "forward_plan_to_council-2023-d7"
    first = register.load()
    assert first.get(key, D(2024, 6, 30)).status_key == Status.DONE_AFTER_GRACE
    DelayReason.objects.create(obligation_key=key, reason="test", recorded_on=D(2023, 1, 1), recorded_by=dpo_user)
    # The same register object answers from the database again: the reason is seen.
    assert first.get(key, D(2024, 6, 30)).status_key == Status.DELAYED_REASON_RECORDED
    assert register.load() is not first


def test_the_years_ahead_are_added_as_they_come_into_view(seed):
    from compliance.models import StoredObligation

    rows = StoredObligation.objects.filter(duty="plan_to_mayor")
    last = max(rows.values_list("fiscal_year", flat=True))
    register.extend(D(last - 1, 1, 2))  # three years later than the register was built for
    assert max(rows.values_list("fiscal_year", flat=True)) == last - 1 + 3
    assert rows.filter(key=f"plan_to_mayor-{last + 2}").exists()
    # Seen from that day, the plan due that July is there, with its status.
    assert register.load().get(f"plan_to_mayor-{last}", D(last - 1, 1, 2)).status == "upcoming"


def test_an_agreed_extension_moves_the_status_not_the_statutory_date(seed, dpo_user):
    from compliance.models import Extension, RecordCoverage

    # FY2024 results: due Fri 2025-02-28, none on record; receipts covered live from the
    # day after the seed's coverage ends (test data), so its absence is a fact.
    RecordCoverage.objects.create(stream="receipts", starts_on=D(2024, 4, 4), source="test data: live")
    key = "results_to_mayor-2024"
    assert by_key(D(2025, 3, 10))[key].status == Status.OVERDUE
    Extension.objects.create(
        obligation_key=key,
        extended_to=D(2025, 3, 31),
        basis="test data: funding agreement clause",
        granted_by="test data",
        granted_on=D(2025, 2, 20),
        recorded_on=D(2025, 2, 20),
        recorded_by=dpo_user,
    )
    ob = by_key(D(2025, 3, 10))[key]
    assert ob.due_date == D(2025, 2, 28)  # the statutory date never changes
    assert (ob.status, ob.status_key) == (Status.DUE_SOON, Status.WITHIN_EXTENSION)
    assert ob.as_json()["extended_due_date"] == "2025-03-31"
    assert ob.as_json()["extension_basis"] == "test data: funding agreement clause"
    # Past the extension, it is overdue by the days since the agreed date.
    late = by_key(D(2025, 4, 3))[key]
    assert (late.status, late.days_overdue) == (Status.OVERDUE, 3)
    assert register.verify()["ok"]


def test_many_trails_at_once_are_each_duty_s_own_trail(seed):
    """The annual report's record reads every listed duty's trail in one go
    (`Register.trails`): row for row what each duty's own trail says."""
    import datetime as _dt

    from compliance.pdf.manifest import trail_entry

    reg = register.load()
    day = _dt.date(2024, 4, 3)
    duties = [o for o in reg.obligations(day) if len(reg.trail(o, day))]
    assert len(duties) > 5
    together = reg.trails(duties, day)

    def said(row):
        # A forwarding read for more documents names more of them (`doc_ids`); the row
        # says the same: the same forwarding and report, days and lineage.
        return (
            trail_entry(row),
            row["forwarding"] and row["forwarding"].id,
            row["report"] and row["report"].id,
            row["forwarded_via_newer"],
            row["waiting_business_days"],
            row["kind_label"],
        )

    for o in duties:
        alone = list(reg.trail(o, day))
        assert [said(r) for r in together[o.key]] == [said(r) for r in alone], o.key

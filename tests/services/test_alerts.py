"""Which alerts are due, and the scan that sends them: windows, catch-up, idempotence."""

import datetime
import smtplib
import unittest
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from compliance import roles
from compliance.models import (
    AlertDelivery,
    AlertPreference,
    AlertStage,
    DelayReason,
    Document,
    Notification,
    Submission,
)
from compliance.rules.alerts import DIGEST, ESCALATION, REMINDER, RESPONSIBLE, ObligationFacts, StageDef, due_alerts
from compliance.services import alerts
from wego_tracker.celery import app as celery_app

D = datetime.date
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")

STAGES = [
    StageDef(1, "before-30", REMINDER, -30, frozenset({RESPONSIBLE})),
    StageDef(2, "before-7", REMINDER, -7, frozenset({RESPONSIBLE})),
    StageDef(3, "before-1", REMINDER, -1, frozenset({RESPONSIBLE})),
    StageDef(4, "due", REMINDER, 0, frozenset({RESPONSIBLE})),
    StageDef(5, "overdue-1", ESCALATION, 1, frozenset({RESPONSIBLE, roles.DPO})),
    StageDef(6, "overdue-7", ESCALATION, 7, frozenset({RESPONSIBLE, roles.DPO, roles.COUNCIL_STAFF})),
    StageDef(7, "weekly", DIGEST, 8, frozenset({RESPONSIBLE, roles.DPO, roles.COUNCIL_STAFF}), 7),
]
DUE = D(2027, 3, 2)  # FY2026 results: end of February 2027 is a Sunday, 1 March a holiday -> 2 March
WEGO_DUTY = ObligationFacts("results_to_mayor-2026", "results_to_mayor", DUE, roles.WEGO)
CITY_DUTY = ObligationFacts("forward_plan_to_council-2027-d9", "forward_plan_to_council", DUE, roles.DPO)


def due_on(day, obligations=(WEGO_DUTY,), **kwargs):
    return {
        (a.obligation_key, a.stage.code, a.role) for a in due_alerts(obligations, lambda duty: STAGES, day, **kwargs)
    }


class DueAlertsTest(unittest.TestCase):
    """The pure stage logic: windows (stage date <= today), never exact days."""

    def test_no_record_is_never_escalated_but_reminders_still_go(self):
        unknown = ObligationFacts(WEGO_DUTY.key, WEGO_DUTY.duty, DUE, roles.WEGO, no_record=True)
        codes = {code for _k, code, _r in due_on(D(2027, 3, 20), (unknown,))}
        assert codes == {"before-7", "before-1", "due"}  # no overdue-1, overdue-7 or weekly
        assert due_on(D(2027, 1, 31), (unknown,)) == {(WEGO_DUTY.key, "before-30", roles.WEGO)}

    def test_nothing_is_due_before_the_first_stage(self):
        assert due_on(DUE - datetime.timedelta(days=31)) == set()

    def test_thirty_days_before_reminds_the_responsible_party(self):
        assert due_on(D(2027, 1, 31)) == {(WEGO_DUTY.key, "before-30", roles.WEGO)}

    def test_on_the_due_date_every_reminder_is_in_the_window(self):
        codes = {code for _key, code, _role in due_on(DUE)}
        assert codes == {"before-30", "before-7", "before-1", "due"}

    def test_day_one_overdue_escalates_to_the_dpo_for_wego_duties(self):
        assert {(c, r) for _k, c, r in due_on(DUE + datetime.timedelta(days=1)) if c == "overdue-1"} == {
            ("overdue-1", roles.WEGO),
            ("overdue-1", roles.DPO),
        }

    def test_council_staff_are_told_from_day_seven(self):
        day6 = due_on(DUE + datetime.timedelta(days=6))
        day7 = due_on(DUE + datetime.timedelta(days=7))
        assert roles.COUNCIL_STAFF not in {r for _k, _c, r in day6}
        assert ("overdue-7", roles.COUNCIL_STAFF) in {(c, r) for _k, c, r in day7}

    def test_the_dpo_gets_one_escalation_for_its_own_duty(self):
        alerts_ = due_alerts([CITY_DUTY], lambda duty: STAGES, DUE + datetime.timedelta(days=1))
        assert [(a.stage.code, a.role) for a in alerts_ if a.stage.code == "overdue-1"] == [("overdue-1", roles.DPO)]

    def test_a_fulfilled_obligation_gets_no_alert(self):
        done = ObligationFacts(WEGO_DUTY.key, WEGO_DUTY.duty, DUE, roles.WEGO, fulfilled_on=D(2027, 2, 20))
        assert due_on(DUE + datetime.timedelta(days=9), obligations=[done]) == set()

    def test_a_fulfilment_after_the_scan_day_has_not_happened_yet(self):
        later = ObligationFacts(WEGO_DUTY.key, WEGO_DUTY.duty, DUE, roles.WEGO, fulfilled_on=D(2027, 3, 10))
        assert due_on(DUE, obligations=[later])

    def test_a_delay_reason_stops_escalations_and_digests(self):
        reasoned = ObligationFacts(WEGO_DUTY.key, WEGO_DUTY.duty, DUE, roles.WEGO, has_reason=True)
        kinds = {code for _k, code, _r in due_on(DUE + datetime.timedelta(days=20), obligations=[reasoned])}
        assert kinds == {"before-7", "before-1", "due"}  # reminders in the catch-up window; no escalation

    def test_the_weekly_digest_is_on_mondays_and_only_the_latest_counts(self):
        as_of = D(2027, 6, 2)  # a Wednesday, months after the due date
        digests = [a for a in due_alerts([WEGO_DUTY], lambda duty: STAGES, as_of) if a.stage.code == "weekly"]
        assert {a.alert_date for a in digests} == {D(2027, 5, 31)}
        assert digests[0].alert_date.weekday() == 0
        assert {a.role for a in digests} == {roles.WEGO, roles.DPO, roles.COUNCIL_STAFF}

    def test_one_off_stages_older_than_the_catch_up_window_are_left_to_the_digest(self):
        codes = {code for _k, code, _r in due_on(DUE + datetime.timedelta(days=100), catch_up_days=30)}
        assert codes == {"weekly"}

    def test_a_scan_missed_for_ten_days_still_finds_every_stage_in_the_gap(self):
        before = due_on(D(2027, 2, 20))
        after = due_on(D(2027, 3, 2))
        assert {c for _k, c, _r in after - before} == {"before-7", "before-1", "due"}


# --- The scan on the database, with frozen time ------------------------------------------


class FailingBackend(BaseEmailBackend):
    """The mail server is down (outside our control)."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def eager(settings):
    """Tasks run in-process (the worker test runs a real worker)."""
    settings.WEGO_SITE_URL = "https://wego.example.invalid"
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


def scan(day, capture, hour=7):
    """Run the daily scan at `hour` o'clock in Seoul on `day`, then its on-commit e-mails."""
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL), tick=False):
        with capture(execute=True):
            return alerts.do_scan()


def sent_to(username, header="X-WeGO-Alert"):
    """Alert e-mails (or, with header="X-WeGO-Digest", digests) sent to `username`."""
    return [m for m in mail.outbox if f"{username}@example.invalid" in m.to and header in m.extra_headers]


def keys_of(rows):
    return sorted((d.obligation_key, d.stage.code, d.recipient.username) for d in rows)


def deliveries(**filters):
    return keys_of(AlertDelivery.objects.filter(**filters).select_related("stage", "recipient"))


@pytest.mark.django_db
class TestScan:
    def test_first_reminder_thirty_days_before_reaches_wego_by_email_and_inbox(
        self, seed, users, eager, django_capture_on_commit_callbacks
    ):
        scan(D(2027, 1, 31), django_capture_on_commit_callbacks)
        assert deliveries(stage__code="before-30") == [
            ("results_to_mayor-2026", "before-30", "wego"),
            ("settlement_to_mayor-2026", "before-30", "wego"),
        ]
        assert len(sent_to("wego")) == 2 and not sent_to("council")
        assert Notification.objects.filter(recipient__username="wego", delivery__stage__code="before-30").count() == 2
        assert all(d.status == "sent" for d in AlertDelivery.objects.filter(stage__code="before-30"))

    def test_a_scan_missed_for_ten_days_sends_each_stage_once(
        self, seed, users, eager, django_capture_on_commit_callbacks
    ):
        scan(D(2027, 2, 20), django_capture_on_commit_callbacks)
        mail.outbox.clear()
        scan(D(2027, 3, 2), django_capture_on_commit_callbacks)  # nothing ran 21 Feb - 1 Mar
        results = [k for k in deliveries(obligation_key="results_to_mayor-2026")]
        assert [code for _k, code, _u in results] == ["before-1", "before-30", "before-7", "due"]
        assert len(sent_to("wego")) == 6  # before-7, before-1, due for two obligations
        mail.outbox.clear()
        second = scan(D(2027, 3, 2), django_capture_on_commit_callbacks, hour=9)
        assert second.created == 0 and mail.outbox == []  # digests included

    def test_a_fulfilled_obligation_stops_its_alerts(
        self, seed, live_records, users, eager, django_capture_on_commit_callbacks
    ):
        scan(D(2027, 2, 23), django_capture_on_commit_callbacks)
        # Synthetic receipt (test data): WeGO submits the FY2026 results on 25 February 2027.
        submission = Submission.objects.create(received_on=D(2027, 2, 25), note="test data")
        Document.objects.create(submission=submission, kind="results", fiscal_year=2026, title="TEST results FY2026")
        mail.outbox.clear()
        scan(D(2027, 3, 10), django_capture_on_commit_callbacks)
        assert [c for _k, c, _u in deliveries(obligation_key="results_to_mayor-2026")] == ["before-30", "before-7"]
        assert "overdue-7" in [c for _k, c, _u in deliveries(obligation_key="settlement_to_mayor-2026")]

    def test_a_delay_reason_stops_escalation(
        self, seed, live_records, users, eager, django_capture_on_commit_callbacks
    ):
        scan(D(2027, 3, 3), django_capture_on_commit_callbacks)
        assert ("results_to_mayor-2026", "overdue-1", "dpo") in deliveries(stage__code="overdue-1")
        DelayReason.objects.create(
            obligation_key="results_to_mayor-2026", reason="TEST: audit pending", recorded_on=D(2027, 3, 4)
        )
        scan(D(2027, 3, 16), django_capture_on_commit_callbacks)
        escalated = {
            k
            for k, _c, _u in deliveries(
                stage__code__in=["overdue-7", "weekly"],
                obligation_key__in=["results_to_mayor-2026", "settlement_to_mayor-2026"],
            )
        }
        assert escalated == {"settlement_to_mayor-2026"}

    def test_no_record_gets_no_escalation_and_the_officer_is_asked_to_update_the_records(
        self, seed, users, eager, django_capture_on_commit_callbacks
    ):
        # The seed's records stop on 2024-04-03: nobody knows whether the FY2026 results came.
        scan(D(2027, 3, 10), django_capture_on_commit_callbacks)
        assert not deliveries(stage__kind__in=["escalation", "digest"])
        reminders = Notification.objects.filter(recipient__username="dpo", obligation_key__startswith="records:")
        assert sorted(reminders.values_list("obligation_key", flat=True)) == [
            "records:forwardings:2024-04-04",
            "records:receipts:2024-04-04",
        ]
        assert "Wed 3 Apr 2024" in reminders.get(obligation_key="records:receipts:2024-04-04").title_en
        assert not Notification.objects.filter(obligation_key__startswith="records:").exclude(recipient__username="dpo")
        scan(D(2027, 3, 17), django_capture_on_commit_callbacks)
        assert reminders.count() == 2  # once per gap, not once per scan

    def test_a_stage_configured_after_the_due_date_is_sent_once_at_the_next_scan(
        self, seed, users, eager, django_capture_on_commit_callbacks
    ):
        scan(D(2027, 3, 4), django_capture_on_commit_callbacks)
        AlertStage.objects.create(code="before-3", kind="reminder", offset_days=-3)  # added on 4 March
        mail.outbox.clear()
        scan(D(2027, 3, 5), django_capture_on_commit_callbacks)
        assert deliveries(stage__code="before-3") == [
            ("results_to_mayor-2026", "before-3", "wego"),
            ("settlement_to_mayor-2026", "before-3", "wego"),
        ]
        assert len(sent_to("wego")) == 2
        mail.outbox.clear()
        scan(D(2027, 3, 6), django_capture_on_commit_callbacks)
        assert AlertDelivery.objects.filter(stage__code="before-3").count() == 2 and sent_to("wego") == []

    def test_a_failed_send_is_kept_and_retried_with_backoff(
        self, seed, users, eager, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.services.test_alerts.FailingBackend"
        scan(D(2027, 1, 31), django_capture_on_commit_callbacks)
        failed = AlertDelivery.objects.get(obligation_key="results_to_mayor-2026", stage__code="before-30")
        assert failed.status == "failed" and failed.attempts == 1
        assert "SMTPServerDisconnected" in failed.last_error
        assert failed.next_attempt_at - datetime.datetime(2027, 1, 31, 7, tzinfo=SEOUL) == datetime.timedelta(minutes=5)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        scan(D(2027, 2, 1), django_capture_on_commit_callbacks)  # the scan re-enqueues what is unsent
        failed.refresh_from_db()
        assert failed.status == "sent" and failed.attempts == 2 and failed.sent_at
        assert len(sent_to("wego")) == 2

    def test_digest_preference_sends_one_email_for_several_alerts(
        self, seed, users, eager, django_capture_on_commit_callbacks
    ):
        AlertPreference.objects.create(user=users["wego_secretariat"], mode="digest", language="en")
        scan(D(2027, 1, 31), django_capture_on_commit_callbacks)
        assert sent_to("wego") == []
        [message] = sent_to("wego", header="X-WeGO-Digest")
        assert "2 reminders" in message.subject
        assert "Business results to the Mayor" in message.body and "Settlement" in message.body
        assert set(AlertDelivery.objects.filter(recipient__username="wego").values_list("status", flat=True)) == {
            "sent"
        }

    def test_broker_down_when_a_user_acts_loses_no_alert(
        self, seed, users, settings, django_capture_on_commit_callbacks
    ):
        """Redis is down: the user's write commits; the alert goes out once the broker is back."""
        settings.WEGO_SITE_URL = "https://wego.example.invalid"
        conf = celery_app.conf
        old_url, old_eager, old_timeout = conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout
        conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout = "redis://127.0.0.1:1/4", False, 0.5
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        try:
            with time_machine.travel(datetime.datetime(2027, 1, 31, 10, tzinfo=SEOUL), tick=False):
                with django_capture_on_commit_callbacks(execute=True):
                    submission = Submission.objects.create(received_on=D(2027, 1, 31), note="test data")
                    alerts.request_scan()
            assert Submission.objects.filter(pk=submission.pk).exists()
            scan(D(2027, 1, 31), django_capture_on_commit_callbacks, hour=11)  # enqueueing fails, rows stay
            assert set(AlertDelivery.objects.values_list("status", flat=True)) == {"pending"}
            assert mail.outbox == []
        finally:
            conf.broker_url, conf.broker_connection_timeout = old_url, old_timeout
            celery_app._pool = None
            celery_app.amqp._producer_pool = None
        conf.task_always_eager = True
        try:
            scan(D(2027, 2, 1), django_capture_on_commit_callbacks)  # broker back: the scan re-enqueues
        finally:
            conf.task_always_eager = old_eager
        assert set(AlertDelivery.objects.filter(recipient__username="wego").values_list("status", flat=True)) == {
            "sent"
        }
        assert len(sent_to("wego")) == 2


@pytest.mark.django_db
def test_default_stages_and_the_daily_scan_exist_after_migrate():
    from django_celery_beat.models import PeriodicTask

    assert set(AlertStage.objects.filter(duty_rule=None).values_list("code", flat=True)) == {
        "before-30",
        "before-7",
        "before-1",
        "due",
        "overdue-1",
        "overdue-7",
        "weekly",
    }
    task = PeriodicTask.objects.get(task="compliance.tasks.scan_alerts")
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("7", "0", "Asia/Seoul")


@pytest.mark.django_db
def test_a_due_date_that_moves_later_keeps_reminders_on_the_earlier_date_and_shows_both(
    client, seed, live_records, users, eager, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from compliance.models import HolidayOverride

    scan(D(2025, 1, 29), django_capture_on_commit_callbacks)  # before-30 of 2025-02-28
    # A temporary holiday on Friday 28 February is announced afterwards: the results are
    # now due on Tuesday 4 March (3/1 삼일절, weekend, 3/3 substitute).
    HolidayOverride.objects.create(date=D(2025, 2, 28), kind="add", name_ko="임시공휴일", name_en="Temporary holiday")
    scan(D(2025, 2, 27), django_capture_on_commit_callbacks)
    codes = [c for _k, c, _u in deliveries(obligation_key="results_to_mayor-2024")]
    assert "due" not in codes and "before-1" in codes  # aimed at 28 Feb, one day before
    scan(D(2025, 3, 1), django_capture_on_commit_callbacks)
    assert "overdue-1" not in [c for _k, c, _u in deliveries(obligation_key="results_to_mayor-2024")]
    client.force_login(users["council_staff"])
    url = reverse("obligation_detail", args=["results_to_mayor-2024"])
    html = client.get(url, {"as_of": "2025-03-01"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-moved" in html and "Fri 28 Feb 2025" in html and "Tue 4 Mar 2025" in html

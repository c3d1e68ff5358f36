"""A wave of alert e-mails costs the same few queries per batch, however long it is, and
each alert of a batch is still claimed, sent, failed and retried on its own."""

import datetime
import smtplib
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.models import AlertDelivery, AlertStage
from compliance.roles import WEGO
from compliance.services import alerts
from tests.conftest import make_user

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = datetime.datetime(2027, 1, 31, 7, tzinfo=SEOUL)  # FY2026 results are due 2027-03-02


def wave(user, size, first=0):
    stage = AlertStage.objects.get(code="before-30", duty_rule__isnull=True)
    rows = AlertDelivery.objects.bulk_create(
        AlertDelivery(
            obligation_key="results_to_mayor-2026",
            stage=stage,
            recipient=user,
            occurrence=first + n,
            due_date=datetime.date(2027, 3, 2),
            alert_date=datetime.date(2027, 1, 31),
            status=AlertDelivery.Status.PENDING,
            next_attempt_at=timezone.now(),
        )
        for n in range(size)
    )
    return [r.pk for r in rows]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_every_email_of_a_wave_costs_the_same_few_queries(seed, wego_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = wave(wego_user, 12)
    alerts.do_send_delivery(ids[0])
    counts = []
    for pk in ids[1:]:
        with CaptureQueriesContext(connection) as queries:
            assert alerts.do_send_delivery(pk) is None
        counts.append(len(queries))
    # Flat: the same for every e-mail. Each task reads what it needs of the stored register
    # afresh (rules and provisions, coverage, the obligation's row and reasons: 6 of the
    # 14), since no process keeps the history; a batch task reads them once for 50.
    assert len(set(counts)) == 1 and counts[0] <= 14, counts
    assert len(mail.outbox) == 12
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {AlertDelivery.Status.SENT}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_batch_costs_the_queries_of_one_email_plus_one_record_per_email(seed, wego_user, settings):
    """Each e-mail is recorded as sent at once (a worker killed mid-batch leaves no mailed
    row "sending"): one UPDATE per e-mail; everything else is the same for 1 or 40."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = wave(wego_user, 46)
    alerts.do_send_delivery(ids[0])
    counts = []
    for batch in (ids[1:2], ids[2:6], ids[6:46]):
        with CaptureQueriesContext(connection) as queries:
            assert alerts.do_send_deliveries(batch) is None
        marks = [q for q in queries if q["sql"].startswith('UPDATE "compliance_alertdelivery" SET "status" = \'sent\'')]
        assert len(marks) == len(batch)
        counts.append(len(queries) - len(batch))
    assert counts[0] == counts[1] == counts[2], counts
    assert len(mail.outbox) == 46
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {AlertDelivery.Status.SENT}


def test_a_wave_is_queued_in_batches_of_the_configured_size(settings):
    settings.WEGO_ALERT_BATCH_SIZE = 4
    assert alerts.alert_batches(range(10)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert alerts.alert_batches([]) == []


class RefusingBackend(EmailBackend):
    """locmem, except that the mail server refuses addresses starting with "refused"."""

    def send_messages(self, messages):
        for message in messages:
            if any(to.startswith("refused") for to in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_failed_email_of_a_batch_is_recorded_and_retried_alone(seed, wego_user, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    refused = make_user("refused", WEGO)
    refused.email = "refused@example.invalid"
    refused.save()
    ids = wave(wego_user, 2) + wave(refused, 1, first=2) + wave(wego_user, 2, first=3)
    retry_in = alerts.do_send_deliveries(ids)
    rows = {r.pk: r for r in AlertDelivery.objects.filter(pk__in=ids)}
    failed = rows[ids[2]]
    assert failed.status == AlertDelivery.Status.FAILED and "SMTPRecipientsRefused" in failed.last_error
    assert failed.next_attempt_at == timezone.now() + alerts.retry_delay(1)
    assert retry_in == alerts.retry_delay(1).total_seconds()
    assert [rows[pk].status for pk in ids if pk != ids[2]] == [AlertDelivery.Status.SENT] * 4
    assert sorted(m.to[0] for m in mail.outbox) == ["wego@example.invalid"] * 4
    # The task's retry before the back-off sends nothing; after it, only the failed alert is tried.
    assert alerts.do_send_deliveries(ids) is None
    assert len(mail.outbox) == 4
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(NOW + alerts.retry_delay(1), tick=False):
        assert alerts.do_send_deliveries(ids) is None
    assert [m.to[0] for m in mail.outbox[4:]] == ["refused@example.invalid"]
    assert AlertDelivery.objects.get(pk=ids[2]).status == AlertDelivery.Status.SENT


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_claimed_email_is_not_sent_twice(seed, wego_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (pk,) = wave(wego_user, 1)
    alerts.do_send_delivery(pk)
    alerts.do_send_delivery(pk)  # a second message for the same row (redelivery)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_overlapping_batches_send_each_alert_once(seed, wego_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = wave(wego_user, 6)
    alerts.do_send_deliveries(ids[:4])
    alerts.do_send_deliveries(ids[2:])  # a redelivered message overlapping the first
    assert len(mail.outbox) == 6
    assert AlertDelivery.objects.filter(status=AlertDelivery.Status.SENT).count() == 6

"""A wave of alert e-mails costs the same few queries per e-mail, however long it is."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance.models import AlertDelivery, AlertStage
from compliance.services import alerts

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = datetime.datetime(2027, 1, 31, 7, tzinfo=SEOUL)  # FY2026 results are due 2027-03-02


def wave(user, size):
    stage = AlertStage.objects.get(code="before-30", duty_rule__isnull=True)
    rows = AlertDelivery.objects.bulk_create(
        AlertDelivery(
            obligation_key="results_to_mayor-2026",
            stage=stage,
            recipient=user,
            occurrence=n,
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
    alerts.do_send_delivery(ids[0])  # loads the register once
    counts = []
    for pk in ids[1:]:
        with CaptureQueriesContext(connection) as queries:
            assert alerts.do_send_delivery(pk) is None
        counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] <= 5, counts
    assert len(mail.outbox) == 12
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {AlertDelivery.Status.SENT}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_claimed_email_is_not_sent_twice(seed, wego_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (pk,) = wave(wego_user, 1)
    alerts.do_send_delivery(pk)
    alerts.do_send_delivery(pk)  # a second message for the same row (redelivery)
    assert len(mail.outbox) == 1

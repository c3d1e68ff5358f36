"""A worker killed in the middle of a batch of alert e-mails (deploy, OOM, time limit)
sends no e-mail twice: real parts, a Celery worker in its own process on a Redis of the
test's own, and an SMTP listener that wedges part-way through the batch.

Before, the batch was marked sent only at its end: the rows the dead worker had already
mailed stayed "sending", and the sweep 15 minutes later mailed them again (86 duplicates
for 164 deliveries in the fault replay of issue 25; this test: 7 of 7).
"""

import collections
import datetime
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from compliance import queue, register
from compliance.models import AlertDelivery, AlertStage
from compliance.services import alerts
from tests.real_parts import SMTP_PORT, CeleryWorker, SmtpListener, database_url, wait_until

from .test_receipt_emails import redis  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BATCH = 20
MAILED_BEFORE_THE_KILL = 7
KEY = "results_to_mayor-2026"


def worker_env(redis_url):
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "WEGO_", "CELERY_"))},
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT),
        "EMAIL_TIMEOUT": "20",
        "WEGO_MAIL_PAUSE_SECONDS": "0",
        "WEGO_ALERT_BATCH_SIZE": str(BATCH),
        "DEFAULT_FROM_EMAIL": "wego-tracker@example.invalid",
    }


def wave(user):
    """Synthetic alert deliveries of one open obligation, due now."""
    call_command("setup_alerts", verbosity=0)  # the default stages (a transactional test starts empty)
    stage = AlertStage.objects.get(code="before-30", duty_rule__isnull=True)
    now = timezone.now()
    rows = AlertDelivery.objects.bulk_create(
        AlertDelivery(
            obligation_key=KEY,
            stage=stage,
            recipient=user,
            occurrence=n,
            due_date=datetime.date(2027, 3, 2),
            alert_date=timezone.localdate(),
            status=AlertDelivery.Status.PENDING,
            next_attempt_at=now,
        )
        for n in range(BATCH)
    )
    return [r.pk for r in rows]


def statuses():
    return collections.Counter(AlertDelivery.objects.values_list("status", flat=True))


def test_a_worker_killed_mid_batch_leaves_no_alert_email_sent_twice(seed, wego_user, redis, tmp_path):  # noqa: F811
    obligation = register.load().get(KEY, timezone.localdate())
    assert obligation is not None and not obligation.is_fulfilled  # the alerts stay due, not cancelled
    ids = wave(wego_user)
    smtp = SmtpListener(SMTP_PORT).start()
    smtp.state.hang_after = MAILED_BEFORE_THE_KILL
    first = CeleryWorker(worker_env(redis.url), tmp_path / "worker-1.log", name="alerts-1").start()
    try:
        assert queue.enqueue(queue.DELIVER_ALERTS, ids)
        wait_until(lambda: smtp.state.hanging.is_set(), "the relay to wedge mid-batch", log=first.log)
        first.process.kill()  # SIGKILL: no clean-up of any kind
        first.process.wait(10)
    finally:
        first.stop()
    # What the dead worker had mailed is recorded as sent; the rest waits for the sweep.
    assert statuses() == {AlertDelivery.Status.SENT: MAILED_BEFORE_THE_KILL, AlertDelivery.Status.SENDING: 13}

    # 15 minutes later the scan queues again what is stuck "sending", as it does in production.
    AlertDelivery.objects.filter(status=AlertDelivery.Status.SENDING).update(
        claimed_at=timezone.now() - datetime.timedelta(minutes=AlertDelivery.STUCK_MINUTES + 1)
    )
    smtp.set_mode("accept")
    sendable = list(AlertDelivery.objects.sendable(timezone.now()).values_list("pk", "via_digest", "recipient_id"))
    assert len(sendable) == BATCH - MAILED_BEFORE_THE_KILL
    # The new worker may also get the dead one's unacknowledged message (acks_late): both run.
    second = CeleryWorker(worker_env(redis.url), tmp_path / "worker-2.log", name="alerts-2").start()
    try:
        assert alerts._enqueue(sendable) == len(sendable)
        wait_until(lambda: statuses() == {AlertDelivery.Status.SENT: BATCH}, "every alert sent", log=second.log)
    finally:
        second.stop()
        smtp.stop()

    per_message = collections.Counter(m.message["Message-ID"] for m in smtp.messages)
    duplicates = sum(n - 1 for n in per_message.values())
    assert duplicates == 0, per_message
    assert len(per_message) == BATCH
    assert set(per_message) == {f"<wego-alert-{pk}@example.invalid>" for pk in ids}

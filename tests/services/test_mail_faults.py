"""A hung SMTP server must not stall every task: a real worker sending a wave of alerts
to a server that accepts and never answers waits one EMAIL_TIMEOUT, not one per e-mail;
the alerts are recorded as failed and retried with back-off, none is lost."""

import datetime
import time
import zoneinfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command

from compliance.models import AlertDelivery
from tests import faults
from wego_tracker.celery import app


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_hung_mail_server_costs_one_timeout_not_one_per_email(seed, users, settings, own_broker, tmp_path):
    call_command("setup_alerts", verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", faults.SMTP_PORT, 2
    settings.WEGO_MAIL_PAUSE_SECONDS = 60
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    with (
        time_machine.travel(datetime.datetime(2027, 1, 31, 7, tzinfo=seoul), tick=True),
        faults.hung_smtp_server() as tried,
        faults.redis_server(faults.REDIS_PORTS[0], tmp_path) as url,
    ):
        faults.use_broker(app, url)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            started = time.monotonic()
            app.send_task("compliance.tasks.scan_alerts")
            faults.wait_for(
                lambda: (
                    AlertDelivery.objects.filter(status="pending").count() == 0
                    and AlertDelivery.objects.filter(status="failed").count() >= 2
                ),
                what="every alert e-mail to be tried",
            )
            elapsed = time.monotonic() - started
    failed = list(AlertDelivery.objects.filter(status="failed"))
    assert len(tried) == 1  # the server was tried once, then left alone
    assert all(d.next_attempt_at > d.claimed_at for d in failed)  # each will be retried
    assert any("not tried again" in d.last_error for d in failed)
    assert elapsed < 2 * len(failed) + 20  # not one timeout per e-mail (plus the scan itself)

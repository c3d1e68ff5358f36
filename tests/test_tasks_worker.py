"""End to end on the real broker: a Celery worker on Redis runs the scan and delivers an alert.

Needs Redis (REDIS_TEST_URL, default redis://127.0.0.1:6379/4); .ci/run starts it.
"""

import datetime
import os
import time
import zoneinfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import call_command

from compliance.models import AlertDelivery, AlertScan, Notification
from compliance.tasks import scan_alerts
from wego_tracker.celery import app

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def redis_app():
    conf = app.conf
    saved = conf.broker_url, conf.broker_transport_options, conf.task_always_eager
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = REDIS_URL, {}, False
    app._pool = None
    app.amqp._producer_pool = None
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=3)
        conn.default_channel.client.flushdb()  # this test's own Redis database
    yield app
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_runs_the_scan_and_delivers_alerts(redis_app, seed, users, settings):
    settings.WEGO_SITE_URL = "https://wego.example.invalid"
    # Transactional tests that ran before may have flushed the data migration's rows.
    call_command("setup_alerts", verbosity=0)
    seoul = zoneinfo.ZoneInfo("Asia/Seoul")
    with time_machine.travel(datetime.datetime(2027, 1, 31, 7, tzinfo=seoul), tick=True):
        with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            scan_alerts.delay()
            deadline = time.monotonic() + 60
            sent = []
            while time.monotonic() < deadline:
                sent = list(AlertDelivery.objects.filter(stage__code="before-30", status="sent"))
                if len(sent) == 2 and not AlertDelivery.objects.filter(status__in=["pending", "sending"]).exists():
                    break
                time.sleep(0.2)
    assert AlertScan.objects.filter(as_of=datetime.date(2027, 1, 31), finished_at__isnull=False).exists()
    assert sorted(d.obligation_key for d in sent) == ["results_to_mayor-2026", "settlement_to_mayor-2026"]
    reminders = [m for m in mail.outbox if "X-WeGO-Alert" in m.extra_headers]
    assert sorted(m.extra_headers["X-WeGO-Alert"] for m in reminders) == [
        "results_to_mayor-2026",
        "settlement_to_mayor-2026",
    ]
    assert all(m.to == ["wego@example.invalid"] for m in reminders)
    assert (
        Notification.objects.filter(recipient=users["wego_secretariat"], delivery__stage__code="before-30").count() == 2
    )

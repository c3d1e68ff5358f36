"""The alert scan finishes or says why: a scan failing on a database error is recorded
and retried with back-off by a real worker; the start-up catch-up runs when today's
scheduled scan has not succeeded; /health/ reports a missed scan within hours; AlertScan
counts only the e-mails the broker really took."""

import datetime
import zoneinfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_retry
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from compliance.models import AlertScan
from compliance.services import alerts
from tests import faults
from wego_tracker.celery import app

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def seoul(*args):
    return datetime.datetime(*args, tzinfo=SEOUL)


def scan_at(started, error="", finished=True):
    return AlertScan.objects.create(
        as_of=started.date(),
        started_at=started,
        finished_at=started + datetime.timedelta(seconds=5) if finished else None,
        error=error,
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_scan_failing_on_a_database_error_is_recorded_and_retried_with_back_off(
    seed, users, settings, own_broker, tmp_path
):
    call_command("setup_alerts", verbosity=0)
    settings.WEGO_ALERT_SCAN_RETRY_SECONDS = 1
    with connection.cursor() as cursor:  # the scan's writes now fail with a real PostgreSQL error
        cursor.execute("ALTER TABLE compliance_alertdelivery RENAME TO compliance_alertdelivery_away")
    retried = []

    def put_the_table_back(sender=None, **kwargs):
        retried.append(sender.request.retries)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE IF EXISTS compliance_alertdelivery_away RENAME TO compliance_alertdelivery")

    task_retry.connect(put_the_table_back, weak=False)
    try:
        with (
            time_machine.travel(seoul(2027, 1, 31, 7), tick=True),
            faults.redis_server(faults.REDIS_PORTS[0], tmp_path) as url,
        ):
            faults.use_broker(app, url)
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
                app.send_task("compliance.tasks.scan_alerts")
                faults.wait_for(
                    lambda: AlertScan.objects.filter(error="", finished_at__isnull=False).exists(),
                    what="the retried scan to succeed",
                )
    finally:
        task_retry.disconnect(put_the_table_back)
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE IF EXISTS compliance_alertdelivery_away RENAME TO compliance_alertdelivery")
    failed, succeeded = AlertScan.objects.order_by("started_at")
    assert retried == [0]
    assert "compliance_alertdelivery" in failed.error and failed.finished_at is not None
    assert succeeded.created > 0 and succeeded.started_at > failed.started_at


@pytest.mark.django_db
def test_the_start_up_catch_up_runs_when_todays_scheduled_scan_did_not_succeed():
    call_command("setup_alerts", verbosity=0)  # daily at 07:00 Asia/Seoul
    scan_at(seoul(2027, 3, 1, 7))
    with time_machine.travel(seoul(2027, 3, 2, 6, 30)):
        assert not alerts.scan_needed()  # the 07:00 one is not due yet
    scan_at(seoul(2027, 3, 2, 3))  # a scan requested by a 03:00 receipt
    scan_at(seoul(2027, 3, 2, 7), error="OperationalError: the database system is shutting down")
    scan_at(seoul(2027, 3, 2, 7, 5), finished=False)  # killed mid-transaction
    with time_machine.travel(seoul(2027, 3, 2, 8)):
        assert alerts.scan_needed()  # the 07:00 scan has not succeeded: catch up
    scan_at(seoul(2027, 3, 2, 8))
    with time_machine.travel(seoul(2027, 3, 2, 9)):
        assert not alerts.scan_needed()


@pytest.mark.django_db
def test_health_reports_a_missed_scan_within_hours_not_a_day(client, settings):
    call_command("setup_alerts", verbosity=0)
    settings.WEGO_ALERT_SCAN_GRACE_HOURS = 2
    scan_at(seoul(2027, 3, 1, 7))
    with time_machine.travel(seoul(2027, 3, 2, 8, 30)):
        body = client.get(reverse("health")).json()
    assert body["scan_missed"] is False and body["next_scan_due"] == "2027-03-02T07:00:00+09:00"
    with time_machine.travel(seoul(2027, 3, 2, 9, 30)):  # 2 h 30 after the missed 07:00 scan
        body = client.get(reverse("health")).json()
    assert body["scan_missed"] is True and body["scan_stale"] is True


@pytest.mark.django_db
def test_the_scan_counts_only_what_the_broker_took(seed, users, own_broker, django_capture_on_commit_callbacks):
    call_command("setup_alerts", verbosity=0)
    faults.use_broker(app, f"redis://127.0.0.1:{faults.REDIS_PORTS[1]}/0")  # nothing listens: down
    with time_machine.travel(seoul(2027, 1, 31, 7)), django_capture_on_commit_callbacks(execute=True):
        scan = alerts.do_scan()
    scan.refresh_from_db()
    assert scan.to_send > 0 and scan.enqueued == 0 and scan.error == ""

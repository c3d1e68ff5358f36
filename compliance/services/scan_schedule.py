"""When the daily alert scan is due, and whether one was missed (`/health/`, the sweep
and the worker's start-up catch-up ask); `compliance.services.alerts` re-exports these."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from .. import queue
from ..models import AlertScan


def scan_retry_delay(retries: int) -> int:
    """Seconds before retrying a failed scan: WEGO_ALERT_SCAN_RETRY_SECONDS, doubling, at most an hour."""
    return min(settings.WEGO_ALERT_SCAN_RETRY_SECONDS * 2**retries, 3600)


def last_successful_scan():
    """When the newest scan that succeeded finished, or None."""
    return (
        AlertScan.objects.filter(finished_at__isnull=False, error="")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def scan_schedule():
    """The daily scan's beat schedule (a celery crontab), or None if disabled or deleted."""
    from django_celery_beat.models import PeriodicTask

    task = (
        PeriodicTask.objects.filter(task=queue.SCAN_ALERTS, enabled=True, crontab__isnull=False)
        .select_related("crontab")
        .first()
    )
    return task.crontab.schedule if task else None


def next_scan_due(last=None, schedule=None):
    """The first scheduled scan after the last successful one (None if none ever succeeded).

    Without a beat schedule, a scan a day. A scan that ran early (a receipt at 03:00
    requests one) does not stand in for the 07:00 one: the next due time follows it.
    """
    last = last or last_successful_scan()
    if last is None:
        return None
    schedule = schedule or scan_schedule()
    if schedule is None:
        return last + datetime.timedelta(days=1)
    start, delta, _now = schedule.remaining_delta(last)
    return start + delta


def scan_needed(now=None) -> bool:
    """No scan has succeeded since the last scheduled time (or ever)."""
    due = next_scan_due()
    return due is None or due <= (now or timezone.now())


def scan_in_flight(now=None) -> bool:
    """A scan attempt started recently: let it finish or retry before queueing another."""
    since = (now or timezone.now()) - datetime.timedelta(minutes=15)
    return AlertScan.objects.filter(started_at__gte=since).exists()

"""Celery tasks: thin wrappers around the services and `compliance.alerts` (the logic lives there).

One alert per task; a failed e-mail is recorded on its `AlertDelivery` and retried with
back-off, and the daily scan re-enqueues anything still unsent, so a worker or broker
outage delays alerts but loses none.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone

from . import alerts

log = logging.getLogger(__name__)


@shared_task(name="compliance.tasks.scan_alerts")
def scan_alerts():
    """The daily scan (django-celery-beat, 07:00 Asia/Seoul; editable in the admin)."""
    scan = alerts.do_scan()
    return {"as_of": scan.as_of.isoformat(), "created": scan.created, "enqueued": scan.enqueued}


@shared_task(name="compliance.tasks.deliver_alert", bind=True, max_retries=None)
def deliver_alert(self, delivery_id):
    retry_in = alerts.do_send_delivery(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name="compliance.tasks.send_digest", bind=True, max_retries=None)
def send_digest(self, user_id):
    retry_in = alerts.do_send_digest(user_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@worker_ready.connect
def catch_up_on_start(sender=None, **kwargs):
    """A worker that starts after the daily run time (or after downtime) scans once.

    Without this a fresh `bin/demo` would show no alert until the next morning.
    """
    from .models import AlertScan

    try:
        done_today = AlertScan.objects.filter(as_of=timezone.localdate(), finished_at__isnull=False, error="").exists()
    except Exception as exc:  # e.g. the database is not migrated yet
        log.warning("Skipping the start-up alert scan: %s", exc)
        return
    if not done_today:
        alerts.safe_enqueue(scan_alerts)


@shared_task(name="compliance.build_packet")
def build_packet(build_id):
    """Build a queued council packet (`compliance.packets.run_build`); progress goes on the row."""
    from .packets import run_build

    run_build(build_id)

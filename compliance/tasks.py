"""Celery tasks: thin wrappers around the services (the logic lives there).

Tasks are queued by name through `compliance.queue`, never imported by the layers below.
One alert per task; a failed e-mail is recorded on its `AlertDelivery` and retried with
back-off, and the daily scan re-enqueues anything still unsent, so a worker or broker
outage delays alerts but loses none.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import queue
from .dataio import pending
from .services import alerts, packets

log = logging.getLogger(__name__)


@shared_task(name=queue.SCAN_ALERTS)
def scan_alerts():
    """The daily scan (django-celery-beat, 07:00 Asia/Seoul; editable in the admin)."""
    scan = alerts.do_scan()
    return {"as_of": scan.as_of.isoformat(), "created": scan.created, "enqueued": scan.enqueued}


@shared_task(name=queue.DELIVER_ALERT, bind=True, max_retries=None)
def deliver_alert(self, delivery_id):
    retry_in = alerts.do_send_delivery(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=queue.SEND_DIGEST, bind=True, max_retries=None)
def send_digest(self, user_id):
    retry_in = alerts.do_send_digest(user_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=queue.BUILD_PACKET)
def build_packet(build_id):
    """Build a queued council packet; progress goes on the row."""
    packets.run_build(build_id)


@shared_task(name=queue.SWEEP_PENDING_IMPORTS)
def sweep_pending_imports():
    """Remove files of import dry runs that were never confirmed (settings.CELERY_BEAT_SCHEDULE)."""
    return pending.sweep()


@worker_ready.connect
def catch_up_on_start(sender=None, **kwargs):
    """A worker that starts after the daily run time (or after downtime) scans once, and
    queues packet builds that were recorded while the broker was down.

    Without this a fresh `bin/demo` would show no alert until the next morning.
    """
    try:
        scan_needed = alerts.scan_needed_today()
        waiting = packets.waiting_builds()
    except Exception as exc:  # e.g. the database is not migrated yet
        log.warning("Skipping the start-up catch-up: %s", exc)
        return
    if scan_needed:
        queue.enqueue(queue.SCAN_ALERTS)
    for build_id in waiting:
        queue.enqueue(queue.BUILD_PACKET, build_id)

"""Celery tasks: thin wrappers around the services (the logic lives there).

Tasks are queued by name through `compliance.queue`, never imported by the layers below.
A batch of alerts per task (`WEGO_ALERT_BATCH_SIZE`); each alert is still claimed,
recorded and retried on its own: a failed e-mail is recorded on its `AlertDelivery` and
retried with back-off, and the daily scan re-enqueues anything still unsent, so a worker
or broker outage delays alerts but loses none.
"""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from . import audit_heads, queue
from .dataio import pending
from .services import alerts, import_jobs, packets, receipts, review, translog, upkeep

log = logging.getLogger(__name__)


@shared_task(name=queue.SCAN_ALERTS, bind=True, max_retries=None)
def scan_alerts(self):
    """The daily scan (django-celery-beat, 07:00 Asia/Seoul; editable in the admin).

    A failed scan (a database error, say) is recorded and retried with back-off
    (`alerts.scan_retry_delay`), WEGO_ALERT_SCAN_MAX_RETRIES times; after that the sweep
    keeps queueing one while it is missing.
    """
    try:
        scan = alerts.do_scan()
    except Exception as exc:
        if self.request.called_directly or self.request.retries >= settings.WEGO_ALERT_SCAN_MAX_RETRIES:
            raise
        raise self.retry(exc=exc, countdown=alerts.scan_retry_delay(self.request.retries)) from exc
    return {"as_of": scan.as_of.isoformat(), "created": scan.created, "enqueued": scan.enqueued}


@shared_task(name=queue.DELIVER_ALERTS, bind=True, max_retries=None)
def deliver_alerts(self, delivery_ids):
    """Send a batch of alert e-mails; retried (the failed ones only) after their back-off."""
    retry_in = alerts.do_send_deliveries(delivery_ids)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=queue.DELIVER_ALERT, bind=True, max_retries=None)
def deliver_alert(self, delivery_id):
    """One alert: kept for messages queued before alerts were sent in batches."""
    retry_in = alerts.do_send_delivery(delivery_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=queue.SEND_DIGEST, bind=True, max_retries=None)
def send_digest(self, user_id):
    retry_in = alerts.do_send_digest(user_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=queue.BUILD_PACKET, bind=True)
def build_packet(self, build_id):
    """Build a queued council packet; progress and the lease go on the row."""
    packets.run_build(build_id, worker=self.request.hostname or "worker")


@shared_task(name=queue.RUN_IMPORT, bind=True)
def run_import(self, job_id):
    """Check or import a large file (an `ImportJob`); progress and the lease go on the row."""
    import_jobs.run_import_job(job_id, worker=self.request.hostname or "worker")


@shared_task(name=queue.RECOVER)
def recover():
    """Every few minutes (beat): take back packet builds and import jobs nobody is working
    on, and queue the alert scan if the scheduled one has not succeeded (and no attempt is
    under way)."""
    result = packets.recover_builds()
    result["imports"] = import_jobs.recover_jobs()
    if alerts.scan_schedule() is not None and alerts.scan_needed() and not alerts.scan_in_flight():
        result["scan_queued"] = queue.enqueue(queue.SCAN_ALERTS)
    return result


@shared_task(name=queue.SEND_REVIEW_NOTICE, bind=True, max_retries=5)
def send_review_notice(self, outcome_id, user_id):
    """The alert e-mail of a review outcome to one WeGO user; SMTP failures retry with back-off."""
    try:
        review.send_review_notice(outcome_id, user_id)
    except OSError as exc:  # smtplib errors are OSErrors
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name=queue.SWEEP_PENDING_IMPORTS)
def sweep_pending_imports():
    """Remove files of import dry runs that were never confirmed (settings.CELERY_BEAT_SCHEDULE)."""
    return pending.sweep()


@shared_task(name=queue.EXTEND_REGISTER)
def extend_register():
    """Store the fiscal years that come into view (settings.CELERY_BEAT_SCHEDULE, daily)."""
    return upkeep.do_extend_register()


@worker_ready.connect
def catch_up_on_start(sender=None, **kwargs):
    """A worker that starts when the scheduled scan has not succeeded (it ran before the
    worker, failed, was killed, or never ran) scans at once; and it takes back packet
    builds: those recorded while the broker was down, and those this worker (same name)
    was building when it was killed.

    Without this a fresh `bin/demo` would show no alert until the next morning.
    """
    try:
        scan_needed = alerts.scan_needed()
    except Exception as exc:  # e.g. the database is not migrated yet
        log.warning("Skipping the start-up catch-up: %s", exc)
        return
    if scan_needed:
        queue.enqueue(queue.SCAN_ALERTS)
    packets.recover_builds(worker=getattr(sender, "hostname", None))
    import_jobs.recover_jobs(worker=getattr(sender, "hostname", None))


@shared_task(name=queue.PUBLISH_AUDIT_HEAD)
def publish_audit_head():
    """Hourly (beat): publish the audit trail's head outside the database if it moved."""
    minutes = settings.WEGO_AUDIT_HEAD_EVERY_MINUTES
    path = audit_heads.publish_head(min_interval=datetime.timedelta(minutes=minutes) * 0.9)
    return str(path) if path else None


@shared_task(name=queue.PUBLISH_LOG_HEAD)
def publish_log_head():
    """After each batch of writes (queued on commit) and on beat's schedule: sign and
    publish the log's head if it moved; on the schedule, also when the newest head is
    older than WEGO_LOG_HEAD_EVERY_MINUTES (a heartbeat a mirror can watch)."""
    from django.utils import timezone

    from . import log_heads

    latest = log_heads.latest_head()
    every = datetime.timedelta(minutes=settings.WEGO_LOG_HEAD_EVERY_MINUTES) * 0.9
    stale = latest is None or timezone.now() - latest.timestamp >= every
    head = translog.do_publish_head(force=stale)
    return head.tree_size if head else None


@shared_task(name=queue.SEND_RECEIPT_EMAIL, bind=True, max_retries=None)
def send_receipt_email(self, email_id):
    """One receipt e-mail; a failure is recorded on its row and retried with back-off."""
    retry_in = receipts.do_send_receipt_email(email_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name=queue.SEND_WAITING_RECEIPT_EMAILS)
def send_waiting_receipt_emails():
    """Beat, every few minutes (CELERY_BEAT_SCHEDULE): queue receipt e-mails that are due."""
    return receipts.do_queue_waiting_receipt_emails()


@worker_ready.connect
def send_waiting_receipt_emails_on_start(sender=None, **kwargs):
    """E-mails recorded while the broker was down go out as soon as a worker is back."""
    queue.enqueue(queue.SEND_WAITING_RECEIPT_EMAILS)

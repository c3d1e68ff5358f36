"""Every enqueue goes through here: tasks by name, fail-fast, never an error for the user.

A task is queued by its registered name (``compliance.tasks.scan_alerts``), so nothing
below the views imports `compliance.tasks` or the project's Celery app. When the broker
is down, `enqueue()` logs and returns False within about a second instead of retrying
for minutes while the user waits: the work is already recorded in the database (an
alert delivery row, a queued packet build), and the next alert scan or worker start
queues it again (`compliance.services.alerts.do_scan`, `compliance.tasks`).

Call `enqueue_on_commit()` inside a `do_*` service: the task is sent only if the
transaction commits, so a worker never looks for a row that does not exist yet.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)

SCAN_ALERTS = "compliance.tasks.scan_alerts"
DELIVER_ALERT = "compliance.tasks.deliver_alert"  # one alert (messages queued before batches)
DELIVER_ALERTS = "compliance.tasks.deliver_alerts"  # a batch of alerts (services.alerts.alert_batches)
SEND_DIGEST = "compliance.tasks.send_digest"
BUILD_PACKET = "compliance.build_packet"
SEND_RECEIPT_EMAIL = "compliance.tasks.send_receipt_email"
SEND_WAITING_RECEIPT_EMAILS = "compliance.tasks.send_waiting_receipt_emails"
PUBLISH_AUDIT_HEAD = "compliance.tasks.publish_audit_head"
PUBLISH_LOG_HEAD = "compliance.tasks.publish_log_head"
RECOVER = "compliance.tasks.recover"
RUN_IMPORT = "compliance.tasks.run_import"
SEND_REVIEW_NOTICE = "compliance.send_review_notice"
SWEEP_PENDING_IMPORTS = "compliance.sweep_pending_imports"
EXTEND_REGISTER = "compliance.extend_register"


def enqueue(name: str, *args) -> bool:
    """Queue task `name` with `args`; False (logged) when the broker cannot take it now."""
    app = current_app
    try:
        task = app.tasks[name]
    except KeyError:
        # A programming error, not an outage: say so loudly.
        raise LookupError(f"No Celery task is registered as {name!r}") from None
    try:
        if app.conf.task_always_eager:
            # Tests and the eager demo: the task runs here; its failure (or retry) is the
            # task's business, recorded on its rows, never the caller's.
            task.apply_async(args=args)
            return True
        # Fail fast: Celery's default would retry the connection for minutes, holding up
        # the user's request (or the scan) while the broker is down.
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=app.conf.broker_connection_timeout)
            task.apply_async(args=args, connection=conn, retry=False)
        return True
    except Exception as exc:  # kombu/redis connection errors: outside our control
        log.warning("Could not queue %s%r (broker down?): %s", name, args, exc)
        return False


def enqueue_on_commit(name: str, *args) -> None:
    """Queue after the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(name, *args))


def broker_status() -> str:
    """For /health/: "ok" when a connection to the broker opens now, else "error: <kind>"."""
    app = current_app
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=app.conf.broker_connection_timeout)
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any connection failure means "not reachable"
        return f"error: {type(exc).__name__}"

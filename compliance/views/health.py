"""/health/ for load balancers and docker-compose."""

import datetime

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import log_heads, queue, storage
from ..services.alerts import last_successful_scan, next_scan_due


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


def _scan_state(now):
    """Whether the scheduled alert scan was missed: no successful scan within
    WEGO_ALERT_SCAN_GRACE_HOURS of the time it was due (retries and the sweep get that
    long). `scan_stale` is the older name of `scan_missed`."""
    last = last_successful_scan()
    due = next_scan_due(last) if last else None
    grace = datetime.timedelta(hours=settings.WEGO_ALERT_SCAN_GRACE_HOURS)
    missed = last is None or now - due > grace
    return {
        "last_successful_scan": last.isoformat() if last else None,
        "next_scan_due": due.isoformat() if due else None,
        "scan_missed": missed,
        "scan_stale": missed,
    }


def _log_state():
    """For administrators only (it reads every leaf): `manage.py verify_log`'s check. A
    broken log is reported here, never a reason to take the app out of service."""
    result = log_heads.check_log()
    newest = log_heads.latest_head()
    return {
        "status": "error" if result["problems"] else "ok",
        "tree_size": result["tree_size"],
        "heads": result["heads"],
        "newest_head_at": newest.timestamp.isoformat() if newest else None,
        "problems": result["problems"],
    }


@require_GET
@never_cache
def health(request):
    """JSON for load balancers and docker-compose: 200 when the database and the broker
    answer and a file can be written to the file store, else 503. `status` is "ok",
    "warning" (serving, but the store has less room than the largest upload) or "error"."""
    database = _check_database()
    broker = queue.broker_status()
    body = {"database": database, "broker": broker}
    if database == "ok":
        body.update(_scan_state(timezone.now()))
    else:
        body.update({"last_successful_scan": None, "next_scan_due": None, "scan_missed": None, "scan_stale": None})
    store = storage.status()
    body.update(store)
    # A file as large as the largest accepted upload may not fit any more.
    body["storage_low"] = store["storage_free_bytes"] is not None and (
        store["storage_free_bytes"] < settings.WEGO_MAX_UPLOAD_BYTES
    )
    if database == "ok" and request.user.is_authenticated and request.user.is_superuser:
        # For administrators: is the stored register what the events give? (A full
        # recomputation, as `manage.py verify_register`; not for load balancers.)
        from .. import register

        body["register"] = register.verify()
    ok = database == "ok" and broker == "ok" and store["storage"] == "ok"
    # Still serving (200), but not "ok": the next large upload may be refused for space.
    body["status"] = ("warning" if body["storage_low"] else "ok") if ok else "error"
    if database == "ok" and getattr(request.user, "is_superuser", False):
        body["transparency_log"] = _log_state()
    return JsonResponse(body, status=200 if ok else 503)

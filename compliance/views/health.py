"""/health/ for load balancers and docker-compose."""

import datetime

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import queue, storage
from ..models import (
    AlertScan,
)


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


@require_GET
@never_cache
def health(request):
    """JSON for load balancers and docker-compose: 200 when the database and the broker
    answer and a file can be written to the file store, else 503."""
    database = _check_database()
    broker = queue.broker_status()
    last = None
    if database == "ok":
        last = (
            AlertScan.objects.filter(finished_at__isnull=False, error="")
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
    stale_after = datetime.timedelta(hours=settings.WEGO_ALERT_SCAN_STALE_HOURS)
    store = storage.status()
    body = {
        "database": database,
        "broker": broker,
        **store,
        # A file as large as the largest accepted upload may not fit any more.
        "storage_low": store["storage_free_bytes"] is not None
        and store["storage_free_bytes"] < settings.WEGO_MAX_UPLOAD_BYTES,
        "last_successful_scan": last.isoformat() if last else None,
        "scan_stale": last is None or timezone.now() - last > stale_after,
    }
    ok = database == "ok" and broker == "ok" and store["storage"] == "ok"
    body["status"] = "ok" if ok else "error"
    return JsonResponse(body, status=200 if ok else 503)

"""/health/ for load balancers and docker-compose."""

import datetime

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import queue
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
    """JSON for load balancers and docker-compose: 200 when the database and broker answer, else 503."""
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
    body = {
        "database": database,
        "broker": broker,
        "last_successful_scan": last.isoformat() if last else None,
        "scan_stale": last is None or timezone.now() - last > stale_after,
    }
    ok = database == "ok" and broker == "ok"
    body["status"] = "ok" if ok else "error"
    return JsonResponse(body, status=200 if ok else 503)

"""Checks every request passes before any view: what no view should have to repeat.

- Control characters (NUL, the other C0 codes, DEL, C1) in the path or in a query name
  or value are refused with a 400 before anything reaches PostgreSQL, which refuses NUL
  in text and answered a 500 (`/calendar/%00.ics`, `/feeds/%00.atom`). A NUL in a posted
  form field is refused the same way (line breaks and tabs in text are fine there).
- Every answer carries the Permissions-Policy (settings.WEGO_PERMISSIONS_POLICY).
- The read API answers problem details (RFC 9457) even when the database is down: a 503
  with Retry-After, never the HTML error page.
"""

import logging
import unicodedata

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api.problems import PROBLEM_CONTENT_TYPE

log = logging.getLogger(__name__)


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _refuse(request, detail, status=400, title=None):
    if _is_api(request):
        response = JsonResponse(
            {"type": "about:blank", "title": title or _("Bad request"), "status": status, "detail": detail},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        response["Content-Type"] = PROBLEM_CONTENT_TYPE
        return response
    return render(request, "400.html", {"detail": detail}, status=status)


class RequestGuardMiddleware:
    """Place after CsrfViewMiddleware (the posted form is read after its check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path_info]
        for name, items in request.GET.lists():
            values.append(name)
            values.extend(items)
        if any(has_control_characters(v) for v in values):
            response = _refuse(
                request,
                _("The address contains a control character (such as NUL); it was not looked up."),
            )
        else:
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.WEGO_PERMISSIONS_POLICY)
        return response

    def process_view(self, request, view, args, kwargs):
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            for name, items in request.POST.lists():
                if "\x00" in name or any("\x00" in item for item in items):
                    return _refuse(request, _("The form contains a NUL character; nothing was saved."))
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and _is_api(request):
            log.error("API request %s failed on the database: %s", request.path, exception)
            response = _refuse(
                request,
                _("The register's database does not answer right now. Try again in a minute."),
                status=503,
                title=_("Service unavailable"),
            )
            response["Retry-After"] = "60"
            return response
        return None

"""Errors of the read API as problem details (RFC 9457), in the caller's language.

The language is the one `LocaleMiddleware` chose (Accept-Language, then the language
cookie, then Korean). Every refusal is a complete answer: never a partial list.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"


class BadParameters(exceptions.APIException):
    """One or more query parameters are wrong; `errors` is [{"parameter", "detail"}]."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, errors):
        self.errors = errors
        super().__init__(detail="; ".join(f"{e['parameter']}: {e['detail']}" for e in errors))


def _title(exc):
    if isinstance(exc, BadParameters):
        return _("Invalid query parameters")
    return {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        429: _("Too many requests"),
    }.get(exc.status_code, _("Error"))


def problem(request, status_code, title, detail, **extra):
    body = {"type": "about:blank", "title": str(title), "status": status_code, "detail": str(detail)}
    if request is not None:
        body["instance"] = request.get_full_path()
    body.update(extra)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _detail(exc):
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Sign in, or send a personal API token: Authorization: Bearer <token>.")
    if isinstance(exc, exceptions.AuthenticationFailed):
        return _("The API token is unknown or revoked.")
    if isinstance(exc, exceptions.NotFound):
        return _("There is nothing at this address.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("The API is read-only: use GET.")
    if isinstance(exc, exceptions.Throttled):
        return _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": int(exc.wait or 1)}
    if isinstance(exc, exceptions.PermissionDenied):
        return _("You may not read this.")
    detail = exc.detail
    if isinstance(detail, list | dict):
        return "; ".join(str(v) for v in (detail.values() if isinstance(detail, dict) else detail))
    return str(detail)


def exception_handler(exc, context):
    """DRF's `EXCEPTION_HANDLER`: every API error becomes a problem-details response."""
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let Django's 500 handling log it
    extra = {}
    if isinstance(exc, BadParameters):
        extra["errors"] = exc.errors
    response = problem(request, exc.status_code, _title(exc), _detail(exc), **extra)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) or 1)
    auth_header = getattr(exc, "auth_header", None)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = auth_header or 'Bearer realm="api"'
    return response

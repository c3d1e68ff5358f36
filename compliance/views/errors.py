"""Error pages in the site's look, each with a way back."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: the form was open too long, or cookies are off.

    Nothing was saved; the page says so and links back to the form (a fresh copy has a
    fresh token) when the browser told us where the form was."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    return render(request, "403_csrf.html", {"back_url": back}, status=403)

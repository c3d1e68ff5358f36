"""Helpers shared by the views (not views themselves)."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .. import audit
from ..access import can_read_audit, can_see_addresses
from ..audit_text import describe


def redirect_after_post(request, to, *args):
    """Redirect after a successful POST. An upload sent by htmx (to show its progress) is
    told where to go instead: the browser's XHR would otherwise follow the redirect
    itself and use up the page's one-time messages."""
    if request.htmx:
        return HttpResponseClientRedirect(resolve_url(to, *args))
    return redirect(to, *args)


def parse_as_of(request):
    """(`as_of` from the query string, validated, else today in Asia/Seoul; error or None)."""
    field = forms.DateField(required=False)
    raw = request.GET.get("as_of", "")
    try:
        value = field.clean(raw)
    except forms.ValidationError:
        return None, _("Enter a valid date (YYYY-MM-DD).")
    return value or timezone.localdate(), None


def apply_errors(form, error):
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def safe_next(request):
    value = request.POST.get("next_url") or request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


def audit_entries_context(request, obligation, trail):
    """Context for `compliance/workflow/_audit_timeline.html` on the obligation page:
    `audit_entries` (sentences, compliance/audit_text.py; None for a role that may not
    read the trail) and `show_addresses`."""
    if not can_read_audit(request.user):
        return {"audit_entries": None, "show_addresses": False}
    entries = describe(audit.entries_for_obligation(obligation, trail))
    return {"audit_entries": entries, "show_addresses": can_see_addresses(request.user)}


def paginate(request, items, per_page):
    """The page of `items` that `?page=` asks for (the last one if it is past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def page_context(request, page):
    """What templates/compliance/_pagination.html needs: the page, the numbers to link
    (elided in the middle) and the query string without `page`."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "page_query": query.urlencode(),
    }

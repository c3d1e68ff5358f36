"""The compliance record, /performance/ (signed in) and /public/performance/ (open).

The figures come from `compliance.statistics` for the day the reader chooses; each one
links to the obligations behind it (the dashboard filtered by fiscal year, hop and
figure, or the public register's fiscal year). The public page follows `disclosure`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import disclosure, register, statistics
from ..access import READ_ALL, SUBMISSION_READERS, role_required
from ..forms.base import new_token
from ..forms.performance import PerformanceForm
from ..labels import HOP_LABELS, OUTCOME_LABELS
from ..pdf.content import PacketError
from ..pdf.report import ReportRequest
from ..register.outcomes import HOPS
from ..rules.coverage import STREAMS
from ..services.packets import do_request_report
from . import feeds

# The columns of each hop's table, in order (outcomes of compliance.register.outcomes).
COLUMNS = ("due", "on_time", "late", "overdue", "past_grace_reason", "past_grace_no_reason", "no_record", "extended")


def read_record(request, *, public):
    """(form, record or None): the record the query string asks for; None with form errors."""
    form = PerformanceForm(request.GET or None, public=public)
    if request.GET and not form.is_valid():
        return form, None
    data = form.cleaned_data if request.GET else {}
    today = timezone.localdate()
    as_of = data.get("as_of") or today
    reg = register.load()
    what_if = bool(data.get("what_if")) and bool(reg.bills())
    record = statistics.compute(
        reg,
        as_of,
        from_fy=data.get("from_fy"),
        to_fy=data.get("to_fy"),
        what_if=what_if,
        what_if_from=data.get("what_if_from") if what_if else None,
        public=public,
        forwarded_ids=disclosure.forwarded_document_ids(min(as_of, today)) if public else None,
    )
    return form, record


def _links(record, fiscal_year, hop):
    """{outcome: the dashboard (or the public register) listing the duties behind it}."""
    if record.public:
        query = f"?{urlencode({'fiscal_year': fiscal_year})}" if fiscal_year else ""
        url = reverse("public_register") + query
        return dict.fromkeys(COLUMNS, url)
    query = {"as_of": record.as_of.isoformat(), "hop": hop}
    if fiscal_year:
        query["fiscal_year"] = fiscal_year
    if record.what_if:
        query.update(what_if=1, what_if_from=record.what_if_from.isoformat())
    prefix = reverse("dashboard") + "?" + urlencode(query)
    return {name: f"{prefix}&outcome={name}" for name in COLUMNS}


def _row(record, figures, hop, fiscal_year=None):
    links = _links(record, fiscal_year, hop)
    return {
        "f": figures,
        "label": _("All years") if fiscal_year is None else str(figures.fiscal_year),
        # Dated duties have no grace period: "—", not 0.
        "cells": [
            (
                name,
                None if hop == "to_mayor" and name.startswith("past_grace") else figures.counts.get(name, 0),
                links[name],
            )
            for name in COLUMNS
        ],
        "rate_link": links["due"],
    }


def page_context(record):
    """Tables per hop (a row per fiscal year and a total), the chart, the coverage."""
    hops = []
    for hop in HOPS:
        rows = [_row(record, f, hop, f.fiscal_year) for f in record.by_hop(hop)]
        rows.append({**_row(record, record.totals(hop), hop), "total": True})
        spans = record.coverage[hop]
        hops.append({"hop": hop, "label": HOP_LABELS[hop], "rows": rows, "spans": spans})
    return {
        "record": record,
        "hops": hops,
        "labels": OUTCOME_LABELS,
        "chart": statistics.trend(record),
        "recent_first": record.as_of - datetime.timedelta(days=statistics.RECENT_DAYS - 1),
        "streams": STREAMS,
    }


def _render(request, template, public):
    form, record = read_record(request, public=public)
    context = {"form": form, "public": public, "report_token": "" if public else new_token()}
    if record is None:
        return render(request, template, context, status=400)
    context.update(page_context(record))
    return render(request, template, context)


@role_required(*SUBMISSION_READERS)
@require_GET
def performance(request):
    return _render(request, "compliance/performance/page.html", public=False)


@require_GET
def public_performance(request):
    if not disclosure.public_register_enabled():
        raise Http404(_("The public register is turned off."))
    return _render(request, "compliance/performance/page.html", public=True)


def _overdue_feed(request, public):
    today = timezone.localdate()
    reg = register.load()
    forwarded = disclosure.forwarded_document_ids(today) if public else None
    record = statistics.compute(reg, today, public=public, forwarded_ids=forwarded)
    items = [
        feeds.Change(o.target_date + datetime.timedelta(days=1), feeds.OVERDUE, o)
        for o in record.recent[: feeds.FEED_LIMIT]
    ]
    title = _("WeGO Article 17: recently overdue")
    link = reverse("public_performance" if public else "performance")
    return feeds._atom(request, title, link, items, public)


@role_required(*SUBMISSION_READERS)
@require_GET
def performance_feed(request):
    """What became overdue, or passed its grace, in the last 30 days (Atom)."""
    if refused := feeds._unknown_parameters(request):
        return refused
    return _overdue_feed(request, public=False)


@require_GET
def public_performance_feed(request):
    if not disclosure.public_register_enabled():
        return feeds._not_found()
    if refused := feeds._unknown_parameters(request):
        return refused
    return _overdue_feed(request, public=True)


def _report_error(request, message, data=None):
    """The report could not be requested: why, in the user's language, and the way back
    to the compliance record with the choices that were sent."""
    query = {k: v for k, v in (data or {}).items() if k in PerformanceForm.base_fields and v}
    back = reverse("performance") + (f"?{urlencode(query)}" if query else "")
    context = {"message": message, "back_url": back, "back_label": _("Back to the compliance record")}
    return render(request, "compliance/error.html", context, status=400)


@role_required(*READ_ALL)
@require_POST
def performance_report(request):
    """Queue the annual report for the Council's audit and show its progress (the
    packets' page, which offers the PDF when it is done): it grows with the register, so
    it is never built within the request."""
    form = PerformanceForm(request.POST)
    language = request.POST.get("language") or get_language() or "ko"
    if not form.is_valid() or language not in ("ko", "en"):
        return _report_error(request, _("Check the report's choices."), request.POST)
    data = form.cleaned_data
    req = ReportRequest(
        as_of=data.get("as_of") or timezone.localdate(),
        from_fy=data.get("from_fy"),
        to_fy=data.get("to_fy"),
        language=language,
        what_if=bool(data.get("what_if")),
        # Fixed now: built later, "today" could be another day.
        what_if_from=(data.get("what_if_from") or timezone.localdate()) if data.get("what_if") else None,
    )
    try:
        build, _created = do_request_report(request.user, req, token=request.POST.get("form_token", ""))
    except (PacketError, ValidationError) as exc:
        return _report_error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc), request.POST)
    return redirect(build)

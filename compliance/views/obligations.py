"""The dashboard and the obligation page: read through `compliance.register`."""

from collections import Counter

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import register
from ..access import SUBMISSION_READERS, role_required
from ..forms.obligations import ObligationFilterForm
from ..labels import STATUS_LABELS
from ..reviews import distinct_threads
from ..rules.obligations import Status, dashboard_order
from .common import audit_entries_context, parse_as_of


def _what_if(request):
    return request.GET.get("what_if") in {"1", "on", "true"}


@role_required(*SUBMISSION_READERS)
def dashboard(request):
    as_of, error = parse_as_of(request)
    what_if = _what_if(request)
    reg = register.load()
    obligations = reg.obligations(as_of or reg.tracking_start, what_if=what_if) if as_of else []
    rules = reg.history.rules
    parties = {r.row.actor.code: r.row.actor for r in rules}.values()
    used = {o.duty for o in obligations}
    form = ObligationFilterForm(
        request.GET or None,
        fiscal_years=sorted({o.fiscal_year for o in obligations}),
        rules=[r.row for r in rules if r.code in used] or [r.row for r in rules],
        parties=parties,
    )
    status_code = 200
    shown = []
    counts = Counter()
    if error or (request.GET and not form.is_valid()):
        status_code = 400
    else:
        data = form.cleaned_data if request.GET else {}
        scoped = [
            o
            for o in obligations
            if (not data.get("fiscal_year") or o.fiscal_year == data["fiscal_year"])
            and (not data.get("duty") or o.duty == data["duty"])
            and (not data.get("party") or o.rule.actor.code == data["party"])
        ]
        counts = Counter(o.status for o in scoped)
        shown = dashboard_order(o for o in scoped if not data.get("status") or o.status == data["status"])
    context = {
        "form": form,
        "as_of": as_of,
        "what_if": what_if,
        "obligations": shown,
        "counts": [(s, STATUS_LABELS[s], counts.get(s, 0)) for s in Status.ALL],
        "total": sum(counts.values()),
        "query": request.GET.urlencode(),
    }
    # A history restore (Back after a cache miss) needs the whole page, not the partial.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "compliance/_obligation_table.html" if partial else "compliance/dashboard.html"
    return render(request, template, context, status=status_code)


@role_required(*SUBMISSION_READERS)
def obligation_detail(request, key):
    as_of, error = parse_as_of(request)
    if error:
        return render(request, "compliance/error.html", {"message": error}, status=400)
    what_if = _what_if(request)
    reg = register.load()
    obligation = reg.get(key, as_of, what_if=what_if)
    if obligation is None:
        raise Http404(_("No such obligation."))
    arises_on = obligation.trigger_date or obligation.due_date
    article = reg.law_in_force(arises_on, what_if=what_if)
    article.sort(key=lambda p: int(p.paragraph) if p.paragraph.isdigit() else 0)
    trail = reg.trail(obligation, as_of)
    context = {
        "obligation": obligation,
        "as_of": as_of,
        "what_if": what_if,
        "article": article,
        "proposed": reg.bills(article=None),
        "trail": trail,
        # The city's review of these documents: information next to the status, never part of it.
        "review_threads": distinct_threads([row["doc"].id for row in trail]),
    }
    context.update(audit_entries_context(request, obligation, trail))
    return render(request, "compliance/obligation_detail.html", context)

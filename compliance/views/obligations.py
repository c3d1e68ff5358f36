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
from .common import audit_entries_context, page_context, paginate, parse_as_of

DASHBOARD_PAGE_SIZE = 50
TRAIL_PAGE_SIZE = 50


def _what_if(request):
    return request.GET.get("what_if") in {"1", "on", "true"}


def _dashboard_base(obligations):
    """What the dashboard needs of every obligation of a day, worked out once per day and
    data version (`Register.derived`): the dashboard order, the counts, the filter choices."""
    return {
        "ordered": dashboard_order(obligations),
        "counts": Counter(o.status for o in obligations),
        "fiscal_years": sorted({o.fiscal_year for o in obligations}),
        "duties": {o.duty for o in obligations},
    }


@role_required(*SUBMISSION_READERS)
def dashboard(request):
    as_of, error = parse_as_of(request)
    what_if = _what_if(request)
    reg = register.load()
    if as_of:
        base = reg.derived("dashboard", _dashboard_base, as_of, what_if=what_if)
    else:
        base = _dashboard_base([])
    rules = reg.history.rules
    parties = {r.row.actor.code: r.row.actor for r in rules}.values()
    form = ObligationFilterForm(
        request.GET or None,
        fiscal_years=base["fiscal_years"],
        rules=[r.row for r in rules if r.code in base["duties"]] or [r.row for r in rules],
        parties=parties,
    )
    status_code = 200
    shown = []
    counts = Counter()
    if error or (request.GET and not form.is_valid()):
        status_code = 400
    else:
        data = form.cleaned_data if request.GET else {}
        # Filtering keeps the dashboard order, so the day's sorted list is filtered, not re-sorted.
        if data.get("fiscal_year") or data.get("duty") or data.get("party"):
            scoped = [
                o
                for o in base["ordered"]
                if (not data.get("fiscal_year") or o.fiscal_year == data["fiscal_year"])
                and (not data.get("duty") or o.duty == data["duty"])
                and (not data.get("party") or o.rule.actor.code == data["party"])
            ]
            counts = Counter(o.status for o in scoped)
        else:
            scoped, counts = base["ordered"], base["counts"]
        shown = [o for o in scoped if o.status == data["status"]] if data.get("status") else scoped
    # One page of rows; the counts above cover every obligation in scope.
    page = paginate(request, shown, DASHBOARD_PAGE_SIZE)
    context = {
        "form": form,
        "as_of": as_of,
        "what_if": what_if,
        "obligations": page.object_list,
        **page_context(request, page),
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
    # A duty of a fiscal year lists every document of its kinds: one page of them at a
    # time, and the audit timeline of the documents on that page.
    page = paginate(request, reg.trail(obligation, as_of), TRAIL_PAGE_SIZE)
    trail = page.object_list
    context = {
        "obligation": obligation,
        "as_of": as_of,
        "what_if": what_if,
        "article": article,
        "proposed": reg.bills(article=None),
        "trail": trail,
        # The city's review of these documents: information next to the status, never part of it.
        "review_threads": distinct_threads([row["doc"].id for row in trail]),
        **page_context(request, page),
    }
    context.update(audit_entries_context(request, obligation, trail))
    return render(request, "compliance/obligation_detail.html", context)

"""The dashboard and the obligation page: read through `compliance.register`."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import register
from ..access import SUBMISSION_READERS, role_required
from ..forms.obligations import ObligationFilterForm
from ..labels import STATUS_LABELS
from ..register.listing import ANY_LATE, Filters, Listing
from ..register.todo import task_list
from ..review_requests import open_revision_requests
from ..reviews import distinct_threads
from ..roles import WEGO, role_of
from ..rules.obligations import Status
from ..services.alerts import announced_due_date
from .common import audit_entries_context, page_context, paginate, parse_as_of

DASHBOARD_PAGE_SIZE = 50
TRAIL_PAGE_SIZE = 50


def _what_if(request, reg):
    """(what_if, what_if_from, error): the what-if switch and the day the bill is assumed
    in force from (default today). Once no bill is left (an administrator gave the
    amendment an effective date) there is nothing to assume: the switch is off."""
    if request.GET.get("what_if") not in {"1", "on", "true"} or not reg.bills():
        return False, None, None
    raw = request.GET.get("what_if_from", "")
    try:
        day = forms.DateField(required=False).clean(raw)
    except forms.ValidationError:
        return True, None, _("Enter a valid date (YYYY-MM-DD).")
    return True, reg.what_if_from(True, day), None


def _amendment_context(reg):
    """What the what-if switch says: a bill to assume, or amendments already in force."""
    return {
        "bills": reg.bills(),
        "enacted": [p.row for p in reg.history.provisions if p.is_proposed and p.effective_from],
    }


@role_required(*SUBMISSION_READERS)
def dashboard(request):
    as_of, error = parse_as_of(request)
    reg = register.load()
    what_if, what_if_from, what_if_error = _what_if(request, reg)
    error = error or what_if_error
    known = Listing(reg, as_of, what_if, what_if_from) if as_of and not error else None
    rules = reg.history.rules
    parties = {r.row.actor.code: r.row.actor for r in rules}.values()
    form = ObligationFilterForm(
        request.GET or None,
        fiscal_years=known.fiscal_years if known else [],
        rules=[r.row for r in rules if known and r.code in known.duties] or [r.row for r in rules],
        parties=parties,
        due_years=known.due_years if known else [],
    )
    status_code = 200
    found = None
    if error or (request.GET and not form.is_valid()):
        status_code = 400
    elif known:
        data = form.cleaned_data if request.GET else {}
        found = known.select(
            Filters(
                data.get("fiscal_year"),
                data.get("duty") or None,
                data.get("party") or None,
                data.get("status") or None,
                due_year=data.get("due_year"),
                q=data.get("q") or "",
                sort=data.get("sort") or "status",
                hop=data.get("hop") or None,
                outcome=data.get("outcome") or None,
            )
        )
    # One page of rows; the counts cover every obligation in scope.
    page = paginate(request, found.rows if found else [], DASHBOARD_PAGE_SIZE)
    counts = found.counts if found else {}
    context = {
        "form": form,
        "as_of": as_of,
        "what_if": what_if,
        "what_if_from": what_if_from,
        **_amendment_context(reg),
        "obligations": page.object_list,
        **page_context(request, page),
        "counts": [(s, STATUS_LABELS[s], counts.get(s, 0)) for s in Status.BADGES],
        "total": sum(counts.values()),
        "query": request.GET.urlencode(),
        "sort": (form.cleaned_data.get("sort") if form.is_bound and form.is_valid() else "") or "",
        "sort_query": _without(request, "sort", "page"),
    }
    # A history restore (Back after a cache miss) needs the whole page, not the partial.
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial:
        context["tasks"] = _tasks(request, reg, as_of if not error and not what_if else None)
        context["any_late"] = ANY_LATE
    template = "compliance/_obligation_table.html" if partial else "compliance/dashboard.html"
    return render(request, template, context, status=status_code)


def _without(request, *names):
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _tasks(request, reg, as_of):
    """The signed-in reader's task list (none on a what-if or refused page)."""
    if as_of is None:
        return None
    role = role_of(request.user)
    tasks = task_list(reg, as_of, role)
    if role == WEGO:
        # A line in WeGO's task list for each revision request it has not answered.
        tasks.revision_requests = list(open_revision_requests(request.user))
    return tasks


@role_required(*SUBMISSION_READERS)
def obligation_detail(request, key):
    as_of, error = parse_as_of(request)
    if error:
        return render(request, "compliance/error.html", {"message": error}, status=400)
    reg = register.load()
    what_if, what_if_from, error = _what_if(request, reg)
    if error:
        return render(request, "compliance/error.html", {"message": error}, status=400)
    obligation = reg.get(key, as_of, what_if=what_if, what_if_from=what_if_from)
    if obligation is None:
        raise Http404(_("No such obligation."))
    arises_on = obligation.trigger_date or obligation.due_date
    # The text in force is the law, what-if or not: a bill is never printed as in force.
    article = reg.law_in_force(arises_on)
    article.sort(key=lambda p: int(p.paragraph) if p.paragraph.isdigit() else 0)
    # A duty of a fiscal year lists every document of its kinds: one page of them at a
    # time, and the audit timeline of the documents on that page.
    page = paginate(request, reg.trail(obligation, as_of), TRAIL_PAGE_SIZE)
    trail = page.object_list
    announced = None if what_if else announced_due_date(obligation.key)
    context = {
        "obligation": obligation,
        "as_of": as_of,
        "what_if": what_if,
        "what_if_from": what_if_from,
        "assumed": [p for p in obligation.provisions if getattr(p, "is_proposed", False) and not p.effective_from],
        "article": article,
        "announced_due": announced if announced and announced != obligation.due_date else None,
        "proposed": reg.bills(article=None),
        "trail": trail,
        # The city's review of these documents: information next to the status, never part of it.
        "review_threads": distinct_threads([row["doc"].id for row in trail], reg.lineage_ids),
        **page_context(request, page),
    }
    context.update(audit_entries_context(request, obligation, trail))
    return render(request, "compliance/obligation_detail.html", context)

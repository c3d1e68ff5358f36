from collections import Counter

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import ObligationFilterForm
from .models import Provision
from .obligations import Status, dashboard_order, document_trail, load_history, obligations_as_of
from .permissions import SUBMISSION_READERS, role_required
from .views_workflow import audit_entries_context


def _as_of(request):
    """`as_of` from the query string (validated), else today in Asia/Seoul."""
    field = forms.DateField(required=False)
    raw = request.GET.get("as_of", "")
    try:
        value = field.clean(raw)
    except forms.ValidationError:
        return None, _("Enter a valid date (YYYY-MM-DD).")
    return value or timezone.localdate(), None


@role_required(*SUBMISSION_READERS)
def dashboard(request):
    as_of, error = _as_of(request)
    what_if = request.GET.get("what_if") in {"1", "on", "true"}
    history = load_history()
    obligations = obligations_as_of(as_of or timezone.localdate(), what_if=what_if, history=history)
    parties = {r.actor.code: r.actor for r in history.rules}.values()
    form = ObligationFilterForm(
        request.GET or None,
        fiscal_years=sorted({o.fiscal_year for o in obligations}),
        rules=[r for r in history.rules if any(o.rule is r for o in obligations)] or history.rules,
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
        "counts": [(s, Status.LABELS[s], counts.get(s, 0)) for s in Status.ALL],
        "total": sum(counts.values()),
        "query": request.GET.urlencode(),
    }
    # A history restore (Back after a cache miss) needs the whole page, not the partial.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "compliance/_obligation_table.html" if partial else "compliance/dashboard.html"
    return render(request, template, context, status=status_code)


@role_required(*SUBMISSION_READERS)
def obligation_detail(request, key):
    as_of, error = _as_of(request)
    if error:
        return render(request, "compliance/error.html", {"message": error}, status=400)
    what_if = request.GET.get("what_if") in {"1", "on", "true"}
    history = load_history()
    obligation = next(
        (o for o in obligations_as_of(as_of, what_if=what_if, history=history) if o.key == key),
        None,
    )
    if obligation is None:
        raise Http404(_("No such obligation."))
    arises_on = obligation.trigger_date or obligation.due_date
    article = [
        p
        for p in history.provisions
        if p.article == "17" and p.is_in_force(arises_on, history.provisions, what_if, history.tracking_start)
    ]
    article.sort(key=lambda p: int(p.paragraph) if p.paragraph.isdigit() else 0)
    context = {
        "obligation": obligation,
        "as_of": as_of,
        "what_if": what_if,
        "article": article,
        "proposed": [p for p in history.provisions if p.is_proposed and not p.effective_from],
        "trail": document_trail(obligation, history, as_of),
    }
    context.update(audit_entries_context(request, obligation, context["trail"]))
    return render(request, "compliance/obligation_detail.html", context)


@role_required(*SUBMISSION_READERS)
def provisions(request):
    """Article 17 as data: every version, which one is in force today, and the bill."""
    today = timezone.localdate()
    versions = list(
        Provision.objects.select_related("instrument")
        .prefetch_related("duty_rules")
        .order_by("article", "paragraph", "pk")
    )
    rows = [
        {
            "provision": p,
            "in_force": p.is_in_force(today, versions),
            "rules": [r.name for r in p.duty_rules.all()],
        }
        for p in versions
    ]
    return render(request, "compliance/provisions.html", {"rows": rows, "today": today})

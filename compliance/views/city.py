"""The Digital Policy Officer's inbox and acts: forwarding, committee reports (17⑤), delay
reasons, evaluations (17④), inspections (17②), and the lists of them.

Thin views: access by `compliance.access`, writes by `compliance.services`. A refused form
is re-shown with its messages and HTTP 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import audit, register, services
from ..access import (
    CITY,
    READ_ALL,
    SUBMISSION_READERS,
    role_required,
)
from ..forms.city import CommitteeReportForm, DelayReasonForm, EvaluationForm, ForwardingForm, InspectionForm
from ..forms.filters import EvaluationFilter, ForwardingFilter, InboxFilter
from ..models import (
    CommitteeReport,
    Document,
    Evaluation,
    Forwarding,
    ForwardingItem,
    InspectionRequest,
)
from ..reviews import threads_for
from ..rules.obligations import Status
from .common import apply_errors, safe_next
from .tables import (
    CommitteeReportTable,
    EvaluationTable,
    ForwardingTable,
    InboxTable,
    InspectionTable,
    list_page,
)

INBOX_PAGE_SIZE = 50
INBOX_REASONS_SHOWN = 20


@role_required(*CITY)
@require_GET
def inbox(request):
    """Received documents with what has happened to each, and delays needing a reason.

    What happened to each document (forwardings, reports, the lineage's review) is read
    for the page's documents only; the delays needing a reason are an indexed query."""
    reg = register.load()
    documents = Document.objects.select_related("submission", "supersedes")
    filterset, table = list_page(request, documents, InboxFilter, InboxTable, per_page=INBOX_PAGE_SIZE)
    today = timezone.localdate()
    # The oldest few delays needing a reason (the dashboard has them all).
    waiting = reg.rows(today).filter(
        badge__in=[Status.NOT_YET_PAST_GRACE, Status.DONE_AFTER_GRACE, Status.PAST_GRACE_AT_RECORDS_END]
    )
    waiting_count = waiting.count()
    needing_reason = reg.materialize(reg.first(waiting.order_by("due_date", "key"), INBOX_REASONS_SHOWN), today)
    records = [row.record for row in table.page.object_list]
    shown = [d.pk for d in records]
    table.forwardings = reg.forwardings_of(shown)
    table.reports = reg.reports_of(shown)
    table.reviews = threads_for(records, reg.lineage_ids)
    context = {
        "filter": filterset,
        "table": table,
        "needing_reason": needing_reason,
        "needing_reason_more": max(waiting_count - INBOX_REASONS_SHOWN, 0),
    }
    return render(request, "compliance/workflow/inbox.html", context)


def _record_view(request, form_class, service, *, title, lead, success, initial=None, to_kwargs):
    """GET shows the form; POST calls `service(**to_kwargs(cleaned_data))`."""
    form = form_class(request.POST or None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = service(by=request.user, token=data["form_token"], ip=audit.client_ip(request), **to_kwargs(data))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if outcome.created:
                messages.success(request, success)
            else:
                messages.info(request, _("This form was already submitted; it was recorded once."))
            return redirect(request.POST.get("next_url") if safe_next(request) else "inbox")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "lead": lead, "next_url": safe_next(request)}
    return render(request, "compliance/workflow/record_form.html", context, status=status)


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def forwarding_new(request):
    initial = {"forwarded_on": timezone.localdate()}
    if request.GET.get("document"):
        initial["documents"] = request.GET.getlist("document")
    return _record_view(
        request,
        ForwardingForm,
        services.do_forward_to_council,
        title=_("Record a forwarding to the Council"),
        lead=_("Article 17⑤: the Mayor forwards each document received to the Council without delay."),
        success=_("The forwarding to the Council was recorded."),
        initial=initial,
        to_kwargs=lambda d: {
            "forwarded_on": d["forwarded_on"],
            "document_number": d["document_number"],
            "documents": list(d["documents"]),
            "note": d["note"],
        },
    )


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def committee_report_new(request):
    initial = {"reported_on": timezone.localdate()}
    if request.GET.get("document"):
        initial["documents"] = request.GET.getlist("document")
    return _record_view(
        request,
        CommitteeReportForm,
        services.do_report_to_committee,
        title=_("Record a report to the standing committee"),
        lead=_("Amended Article 17⑤ (if in force): forwarded documents are reported to the competent committee."),
        success=_("The report to the committee was recorded."),
        initial=initial,
        to_kwargs=lambda d: {
            "committee": d["committee"],
            "session": d["session"],
            "reported_on": d["reported_on"],
            "documents": list(d["documents"]),
            "note": d["note"],
        },
    )


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def delay_reason_new(request):
    key = request.POST.get("obligation_key") or request.GET.get("obligation", "")
    return _record_view(
        request,
        DelayReasonForm,
        services.do_record_delay_reason,
        title=_("Record a reason for a delay"),
        lead=_("Obligation: %(key)s") % {"key": key},
        success=_("The reason was recorded."),
        initial={"obligation_key": key},
        to_kwargs=lambda d: {"obligation_key": d["obligation_key"], "reason": d["reason"]},
    )


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def evaluation_new(request):
    return _record_view(
        request,
        EvaluationForm,
        services.do_record_evaluation,
        title=_("Record a performance evaluation"),
        lead=_("Article 17④: the Mayor evaluates the results and settlement and may stop support."),
        success=_("The evaluation was recorded."),
        initial={"evaluated_on": timezone.localdate()},
        to_kwargs=lambda d: {k: (list(v) if k == "documents" else v) for k, v in d.items() if k != "form_token"},
    )


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def inspection_new(request):
    return _record_view(
        request,
        InspectionForm,
        services.do_record_inspection,
        title=_("Record an inspection or a request for a report"),
        lead=_("Article 17②: the Mayor may inspect the secretariat or ask it for reports."),
        success=_("The inspection or request was recorded."),
        initial={"requested_on": timezone.localdate()},
        to_kwargs=lambda d: {k: v for k, v in d.items() if k != "form_token"},
    )


@role_required(*SUBMISSION_READERS)
@require_GET
def forwarding_list(request):
    forwardings = Forwarding.objects.prefetch_related(
        Prefetch("items", queryset=ForwardingItem.objects.select_related("document").order_by("pk"))
    )
    filterset, table = list_page(request, forwardings, ForwardingFilter, ForwardingTable)
    reports = CommitteeReport.objects.select_related("committee", "session").prefetch_related("documents")
    reports_table = CommitteeReportTable(reports.order_by("-reported_on", "-pk"), orderable=False)
    return render(
        request,
        "compliance/workflow/forwarding_list.html",
        {"filter": filterset, "table": table, "reports_table": reports_table},
    )


@role_required(*READ_ALL)
@require_GET
def evaluation_list(request):
    evaluations = Evaluation.objects.prefetch_related("documents")
    filterset, table = list_page(request, evaluations, EvaluationFilter, EvaluationTable)
    inspections = InspectionTable(InspectionRequest.objects.order_by("-requested_on", "-pk"), orderable=False)
    return render(
        request,
        "compliance/workflow/evaluation_list.html",
        {"filter": filterset, "table": table, "inspections_table": inspections},
    )

"""Submissions, the Digital Policy Officer's inbox and actions, downloads, the audit trail.

Thin views: permissions by `compliance.permissions`, writes by `compliance.services`.
A refused form is re-shown with its messages and HTTP 400.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import audit, services
from .forms_workflow import (
    CommitteeReportForm,
    DelayReasonForm,
    EvaluationForm,
    ForwardingForm,
    InspectionForm,
    SubmissionForm,
)
from .models import (
    AuditEntry,
    CommitteeReport,
    Document,
    DocumentFile,
    Evaluation,
    Forwarding,
    ForwardingItem,
    InspectionRequest,
    Submission,
)
from .permissions import (
    AUDIT_READERS,
    CITY,
    READ_ALL,
    SUBMISSION_READERS,
    SUBMITTERS,
    can_read_audit,
    can_see_addresses,
    get_file_for_user,
    get_submission_for_user,
    role_required,
)


def _apply_errors(form, error):
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _submission_queryset():
    files = Prefetch("files", queryset=DocumentFile.objects.order_by("pk"))
    documents = Prefetch(
        "documents", queryset=Document.objects.select_related("supersedes").prefetch_related(files).order_by("pk")
    )
    return Submission.objects.select_related("submitted_by").prefetch_related(documents)


# --- WeGO secretariat ---------------------------------------------------------------


@role_required(*SUBMISSION_READERS)
@require_GET
def submission_list(request):
    submissions = _submission_queryset().order_by("-received_on", "-pk")
    return render(request, "compliance/workflow/submission_list.html", {"submissions": submissions})


@role_required(*SUBMITTERS)
@require_http_methods(["GET", "POST"])
def submission_new(request):
    form = SubmissionForm(request.POST or None, request.FILES or None, initial=_initial(request, "kind", "fiscal_year"))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.do_receive_submission(
                by=request.user,
                documents=[form.doc_spec()],
                note=form.cleaned_data["note"],
                token=form.cleaned_data["form_token"],
                ip=audit.client_ip(request),
                language=get_language() or "ko",
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            submission = outcome.obj
            if outcome.created:
                messages.success(
                    request, _("Received. Receipt number %(number)s.") % {"number": submission.receipt_number}
                )
            else:
                messages.info(request, _("This form was already submitted; here is its receipt."))
            return redirect("submission_detail", submission.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "compliance/workflow/submission_form.html", {"form": form}, status=status)


def _initial(request, *names):
    return {name: request.GET[name] for name in names if request.GET.get(name)}


@role_required(*SUBMISSION_READERS)
@require_GET
def submission_detail(request, pk):
    get_submission_for_user(request.user, pk)
    submission = _submission_queryset().get(pk=pk)
    return render(request, "compliance/workflow/submission_detail.html", {"submission": submission})


@role_required(*SUBMISSION_READERS)
@require_GET
def submission_receipt(request, pk):
    """The receipt (접수증) as a PDF to keep."""
    from weasyprint import HTML

    get_submission_for_user(request.user, pk)
    submission = _submission_queryset().get(pk=pk)
    html = render_to_string(
        "compliance/workflow/receipt_pdf.html", {"submission": submission, "printed_at": timezone.now()}, request
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    name = f"receipt-{submission.receipt_number or submission.pk}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@role_required(*SUBMISSION_READERS)
@require_GET
def file_download(request, pk):
    """A stored file, served only here (never from a public URL)."""
    stored = get_file_for_user(request.user, pk)
    try:
        handle = stored.open()
    except FileNotFoundError:
        raise Http404(_("The stored file is missing. Please tell the administrator.")) from None
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Digital Policy Officer ---------------------------------------------------------


@role_required(*CITY)
@require_GET
def inbox(request):
    """Received documents with what has happened to each, and delays needing a reason."""
    from .obligations import obligations_as_of

    items = Prefetch(
        "forwarding_items",
        queryset=ForwardingItem.objects.select_related("forwarding").order_by("forwarding__forwarded_on"),
    )
    documents = (
        Document.objects.select_related("submission", "supersedes")
        .prefetch_related(items, "committee_reports", "files")
        .order_by("-submission__received_on", "-pk")
    )
    today = timezone.localdate()
    needing_reason = [o for o in obligations_as_of(today) if o.needs_reason]
    return render(
        request,
        "compliance/workflow/inbox.html",
        {"documents": documents, "needing_reason": needing_reason, "today": today},
    )


def _record_view(request, form_class, service, *, title, lead, success, initial=None, to_kwargs):
    """GET shows the form; POST calls `service(**to_kwargs(cleaned_data))`."""
    form = form_class(request.POST or None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = service(by=request.user, token=data["form_token"], ip=audit.client_ip(request), **to_kwargs(data))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if outcome.created:
                messages.success(request, success)
            else:
                messages.info(request, _("This form was already submitted; it was recorded once."))
            return redirect(request.POST.get("next_url") if _safe_next(request) else "inbox")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "lead": lead, "next_url": _safe_next(request)}
    return render(request, "compliance/workflow/record_form.html", context, status=status)


def _safe_next(request):
    from django.utils.http import url_has_allowed_host_and_scheme

    value = request.POST.get("next_url") or request.GET.get("next") or ""
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


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


# --- Read-only lists ----------------------------------------------------------------


@role_required(*SUBMISSION_READERS)
@require_GET
def forwarding_list(request):
    forwardings = Forwarding.objects.prefetch_related(
        Prefetch("items", queryset=ForwardingItem.objects.select_related("document").order_by("pk"))
    ).order_by("-forwarded_on", "-pk")
    reports = CommitteeReport.objects.select_related("committee", "session").prefetch_related("documents")
    return render(
        request,
        "compliance/workflow/forwarding_list.html",
        {"forwardings": forwardings, "reports": reports.order_by("-reported_on", "-pk")},
    )


@role_required(*READ_ALL)
@require_GET
def evaluation_list(request):
    evaluations = Evaluation.objects.prefetch_related("documents").order_by("-evaluated_on", "-pk")
    inspections = InspectionRequest.objects.order_by("-requested_on", "-pk")
    return render(
        request,
        "compliance/workflow/evaluation_list.html",
        {"evaluations": evaluations, "inspections": inspections},
    )


@role_required(*AUDIT_READERS)
@require_GET
def audit_log(request):
    page = Paginator(AuditEntry.objects.order_by("-seq"), 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.rows = audit.change_rows(entry)
    return render(
        request,
        "compliance/workflow/audit_log.html",
        {"page": page, "show_addresses": can_see_addresses(request.user)},
    )


class _Echo:
    def write(self, value):
        return value


@role_required(*AUDIT_READERS)
@require_GET
def audit_export(request):
    """The whole trail as CSV (UTF-8 with BOM, for Excel), with each entry's hashes so
    the chain can be re-checked outside the app."""
    import json

    writer = csv.writer(_Echo())
    header = [
        "seq",
        "time_kst",
        "actor",
        "role",
        "ip_address",
        "action",
        "model",
        "object_pk",
        "object",
        "changes",
        "refs",
        "prev_hash",
        "entry_hash",
    ]

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=500):
            yield writer.writerow(
                [
                    e.seq,
                    timezone.localtime(e.created_at).isoformat(),
                    e.actor_name,
                    e.actor_role,
                    e.ip_address or "",
                    e.action,
                    e.model,
                    e.object_pk,
                    e.object_repr,
                    json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                    e.refs.strip(),
                    e.prev_hash,
                    e.entry_hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = content_disposition_header(True, f"audit-trail-{stamp}.csv")
    return response


def audit_entries_context(request, obligation, trail):
    """Context for `compliance/workflow/_audit_timeline.html` on the obligation page:
    `audit_entries` (None for a role that may not read the trail) and `show_addresses`."""
    if not can_read_audit(request.user):
        return {"audit_entries": None, "show_addresses": False}
    entries = audit.entries_for_obligation(obligation, trail)
    for entry in entries:
        entry.rows = audit.change_rows(entry)
    return {"audit_entries": entries, "show_addresses": can_see_addresses(request.user)}

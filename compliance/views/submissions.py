"""WeGO → Mayor: submissions, their receipts and file downloads (17③)."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import audit, services
from ..access import (
    SUBMISSION_READERS,
    SUBMITTERS,
    get_file_for_user,
    get_submission_for_user,
    role_required,
)
from ..forms.filters import SubmissionFilter
from ..forms.submissions import SubmissionForm
from ..models import (
    Document,
    DocumentFile,
    ReadLogEntry,
    Submission,
)
from ..reviews import threads_for
from ..services import review
from ..storage import StorageUnavailable
from .common import apply_errors, redirect_after_post
from .tables import SubmissionTable, list_page

log = logging.getLogger(__name__)


def _submission_queryset():
    files = Prefetch("files", queryset=DocumentFile.objects.order_by("pk"))
    documents = Prefetch(
        "documents", queryset=Document.objects.select_related("supersedes").prefetch_related(files).order_by("pk")
    )
    return Submission.objects.select_related("submitted_by").prefetch_related(documents)


@role_required(*SUBMISSION_READERS)
@require_GET
def submission_list(request):
    filterset, table = list_page(request, _submission_queryset(), SubmissionFilter, SubmissionTable)
    return render(request, "compliance/workflow/submission_list.html", {"filter": filterset, "table": table})


@role_required(*SUBMITTERS)
@require_http_methods(["GET", "POST"])
def submission_new(request):
    form = SubmissionForm(
        request.POST or None, request.FILES or None, initial=_initial(request, "kind", "fiscal_year", "supersedes")
    )
    status = 400 if request.method == "POST" else 200
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
            apply_errors(form, error)
        except StorageUnavailable as error:
            # The transaction was rolled back and the files written by it removed.
            log.error("Submission refused: the file store is %s (%s)", error.reason, error)
            form.add_error(
                None,
                _(
                    "The file store is full or read-only; nothing was saved. "
                    "Please tell the administrator, then send the form again."
                ),
            )
            status = 503
        else:
            submission = outcome.obj
            if outcome.created:
                messages.success(
                    request, _("Received. Receipt number %(number)s.") % {"number": submission.receipt_number}
                )
            else:
                messages.info(request, _("This form was already submitted; here is its receipt."))
            return redirect_after_post(request, "submission_detail", submission.pk)
    return render(request, "compliance/workflow/submission_form.html", {"form": form}, status=status)


def _initial(request, *names):
    return {name: request.GET[name] for name in names if request.GET.get(name)}


@role_required(*SUBMISSION_READERS)
@require_GET
def submission_detail(request, pk):
    get_submission_for_user(request.user, pk)
    submission = _submission_queryset().get(pk=pk)
    documents = list(submission.documents.all())
    threads = threads_for(documents)
    reviews = [(doc, threads[doc.pk]) for doc in documents]
    return render(request, "compliance/workflow/submission_detail.html", {"submission": submission, "reviews": reviews})


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
    review.do_log_read(
        by=request.user,
        ip=audit.client_ip(request),
        kind=ReadLogEntry.Kind.RECEIPT,
        name=name,
        documents=[d.pk for d in submission.documents.all()],
    )
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
    # Logged once the file is there to serve: who read what (issue 13), never public.
    review.do_log_read(
        by=request.user,
        ip=audit.client_ip(request),
        kind=ReadLogEntry.Kind.FILE,
        name=stored.original_name,
        file=stored,
    )
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

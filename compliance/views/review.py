"""The review loop's pages: a document's thread, the outcome and comment forms, the
review list, and the read log (Digital Policy Officer and administrators only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import audit
from ..access import (
    COMMENTERS,
    READ_LOG_READERS,
    REVIEWERS,
    SUBMISSION_READERS,
    can_comment_on,
    can_read_read_log,
    can_record_review,
    get_document_for_user,
    role_required,
)
from ..forms.review import ReviewCommentForm, ReviewOutcomeForm
from ..models import Document, ReadLogEntry
from ..reviews import thread
from ..services import review as service
from .common import apply_errors as _apply_errors


def _page(request, document, *, outcome_form=None, comment_form=None, status=200):
    t = thread(document)
    user = request.user
    if outcome_form is None and can_record_review(user):
        outcome_form = ReviewOutcomeForm(initial={"document": t.latest.pk})
    if comment_form is None and can_comment_on(user, document):
        comment_form = ReviewCommentForm(initial={"document": t.latest.pk})
    context = {
        "document": document,
        "thread": t,
        "outcome_form": outcome_form if can_record_review(user) else None,
        "comment_form": comment_form if can_comment_on(user, document) else None,
        "show_read_log": can_read_read_log(user),
        "today": timezone.localdate(),
    }
    return render(request, "compliance/review/document.html", context, status=status)


@role_required(*SUBMISSION_READERS)
@require_GET
def document_review(request, pk):
    return _page(request, get_document_for_user(request.user, pk))


def _target(request, thread_document, form):
    """The version a form names: any received document (the service checks its lineage)."""
    return Document.objects.select_related("submission").filter(pk=form.cleaned_data["document"]).first()


@role_required(*REVIEWERS)
@require_POST
def review_outcome_new(request, pk):
    document = get_document_for_user(request.user, pk)
    form = ReviewOutcomeForm(request.POST)
    if form.is_valid():
        target = _target(request, document, form)
        if target is None:
            form.add_error(
                None, _("No document was received with the id %(id)s.") % {"id": form.cleaned_data["document"]}
            )
        else:
            data = form.cleaned_data
            try:
                outcome = service.do_record_review(
                    by=request.user,
                    thread_document=document,
                    document=target,
                    decision=data["decision"],
                    message=data["message"],
                    target_date=data["target_date"],
                    token=data["form_token"],
                    ip=audit.client_ip(request),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if outcome.created:
                    messages.success(request, _("The review outcome was recorded."))
                else:
                    messages.info(request, _("This form was already submitted; it was recorded once."))
                return redirect("document_review", document.pk)
    return _page(request, document, outcome_form=form, status=400)


@role_required(*COMMENTERS)
@require_POST
def review_comment_new(request, pk):
    document = get_document_for_user(request.user, pk)
    if not can_comment_on(request.user, document):
        raise PermissionDenied
    form = ReviewCommentForm(request.POST)
    if form.is_valid():
        target = _target(request, document, form)
        if target is None:
            form.add_error(
                None, _("No document was received with the id %(id)s.") % {"id": form.cleaned_data["document"]}
            )
        else:
            try:
                outcome = service.do_add_comment(
                    by=request.user,
                    thread_document=document,
                    document=target,
                    body=form.cleaned_data["body"],
                    token=form.cleaned_data["form_token"],
                    ip=audit.client_ip(request),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                if outcome.created:
                    messages.success(request, _("Your comment was added."))
                else:
                    messages.info(request, _("This form was already submitted; it was recorded once."))
                return redirect("document_review", document.pk)
    return _page(request, document, comment_form=form, status=400)


@role_required(*READ_LOG_READERS)
@require_GET
def document_read_log(request, pk):
    """시의회 열람 기록: who downloaded the files of this document's versions, and the
    packets that contained them. Never public, never exported."""
    document = get_document_for_user(request.user, pk)
    t = thread(document)
    entries = (
        ReadLogEntry.objects.filter(documents__in=[v.pk for v in t.versions])
        .distinct()
        .select_related("file__document")
        .order_by("-at", "-pk")
    )
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "compliance/review/read_log.html", {"document": document, "thread": t, "page": page})

"""The workflow's writes: each `do_*` runs in one transaction and checks the domain rules.

Views call these with already-parsed values; every refusal is a ValidationError (with a
field where one applies) and leaves nothing behind. Obligations are never written:
they are derived from the events recorded here (`compliance.obligations`). Every row
written here is recorded in the audit trail by `compliance.audit`'s signals, attributed
to `by` at `ip`. Side effects (e-mail) run only after the commit.

`token` is the one-time token of the form that was posted: posting the same form twice
returns the first record (created=False) instead of making a second one.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, emails, storage
from .models import (
    CommitteeReport,
    CouncilSession,
    DelayReason,
    Document,
    DocumentFile,
    DocumentKind,
    Evaluation,
    FormToken,
    Forwarding,
    ForwardingItem,
    InspectionRequest,
    Party,
    Submission,
)
from .roles import DPO
from .uploads import CheckedFile

log = logging.getLogger(__name__)

PLAN_KINDS = {DocumentKind.PLAN_DRAFT, DocumentKind.PLAN_FINAL, DocumentKind.PLAN_REVISION}
EVALUATED_KINDS = {DocumentKind.RESULTS, DocumentKind.SETTLEMENT}


@dataclass
class DocSpec:
    kind: str
    fiscal_year: int
    title: str
    files: list[CheckedFile]
    supersedes: Document | None = None


@dataclass
class Outcome:
    obj: object
    created: bool
    notes: list = field(default_factory=list)


def fiscal_year_range(today: datetime.date) -> range:
    """Fiscal years a record may concern: from the year before tracking starts to two
    years ahead (a plan is due five months before its year)."""
    return range(settings.WEGO_TRACKING_START.year - 1, today.year + 3)


def _check_fiscal_year(fiscal_year, today, field_name="fiscal_year"):
    years = fiscal_year_range(today)
    if fiscal_year not in years:
        raise ValidationError(
            {
                field_name: _("The fiscal year must be between %(first)s and %(last)s.")
                % {"first": years.start, "last": years.stop - 1}
            }
        )


def _check_not_future(day, today, field_name):
    if day > today:
        raise ValidationError(
            {
                field_name: _("The date cannot be in the future (today is %(today)s in Seoul).")
                % {"today": today.isoformat()}
            }
        )


def _lock(name):
    """Serialise a numbering sequence until the transaction ends (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def _once(by, token, purpose, model, create):
    """Run `create()` unless this form token already produced a record."""
    if not token:
        return Outcome(create(), True)
    try:
        with transaction.atomic():
            claim = FormToken.objects.create(token=token, user=by, purpose=purpose)
    except IntegrityError:
        # A concurrent or earlier post of the same form: it committed, show its record.
        claim = FormToken.objects.filter(token=token).first()
        if claim is None or claim.user_id != by.pk or claim.purpose != purpose or claim.result_pk is None:
            raise ValidationError(_("This form was already submitted. Please reload the page.")) from None
        return Outcome(model.objects.get(pk=claim.result_pk), False)
    obj = create()
    FormToken.objects.filter(pk=claim.pk).update(result_pk=obj.pk)
    return Outcome(obj, True)


# --- WeGO → Mayor: receipt ----------------------------------------------------------


def next_receipt_number(received_at) -> str:
    year = timezone.localtime(received_at).year
    prefix = f"WEGO-{year}-"
    _lock("receipt-number")
    taken = Submission.objects.filter(receipt_number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def do_receive_submission(*, by, documents: list[DocSpec], note="", token=None, ip=None, now=None, language="ko"):
    """Receive one submission from the WeGO secretariat: store its files (private,
    content-addressed), number the receipt, and e-mail the receipt after the commit."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created_blobs = []
    try:
        with transaction.atomic(), audit.acting(by, ip):

            def create():
                if not documents:
                    raise ValidationError(_("Add at least one document."))
                for spec in documents:
                    _check_spec(spec, today)
                submission = Submission.objects.create(
                    received_on=today,
                    received_at=now,
                    receipt_number=next_receipt_number(now),
                    submitted_by=by,
                    note=note,
                )
                for spec in documents:
                    doc = Document.objects.create(
                        submission=submission,
                        kind=spec.kind,
                        fiscal_year=spec.fiscal_year,
                        title=spec.title,
                        supersedes=spec.supersedes,
                    )
                    for checked in spec.files:
                        sha, size, created = storage.store_bytes(checked.data)
                        if created:
                            created_blobs.append(sha)
                        DocumentFile.objects.create(
                            document=doc,
                            original_name=checked.name,
                            sha256=sha,
                            size=size,
                            content_type=checked.content_type,
                            uploaded_by=by,
                        )
                return submission

            outcome = _once(by, token, "submission", Submission, create)
            if outcome.created:
                submission_id = outcome.obj.pk
                transaction.on_commit(lambda: send_receipt_emails(submission_id, language))
    except BaseException:
        # Nothing was committed: remove the blobs this call wrote, unless another
        # (committed) record now refers to the same content.
        for sha in created_blobs:
            if not DocumentFile.objects.filter(sha256=sha).exists():
                storage.delete_blob(sha)
        raise
    return outcome


def _check_spec(spec: DocSpec, today):
    _check_fiscal_year(spec.fiscal_year, today)
    if spec.kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose a document kind.")})
    if not spec.files:
        raise ValidationError({"files": _("Attach at least one file.")})
    if spec.kind == DocumentKind.PLAN_REVISION and spec.supersedes is None:
        raise ValidationError({"supersedes": _("A revised plan must name the earlier version it replaces.")})
    if spec.supersedes is not None:
        earlier = spec.supersedes
        if earlier.fiscal_year != spec.fiscal_year or earlier.kind not in PLAN_KINDS or spec.kind not in PLAN_KINDS:
            raise ValidationError({"supersedes": _("A revision can only replace a plan of the same fiscal year.")})
    hashes = [hashlib.sha256(f.data).hexdigest() for f in spec.files]
    if len(set(hashes)) != len(hashes):
        raise ValidationError({"files": _("The same file is attached twice.")})
    earlier = (
        DocumentFile.objects.filter(sha256__in=hashes, document__kind=spec.kind, document__fiscal_year=spec.fiscal_year)
        .select_related("document__submission")
        .first()
    )
    if earlier is not None:
        sub = earlier.document.submission
        raise ValidationError(
            {
                "files": _(
                    "“%(name)s” was already received on %(day)s (receipt %(number)s) for this document; "
                    "it was not received again."
                )
                % {
                    "name": earlier.original_name,
                    "day": sub.received_on.isoformat(),
                    "number": sub.receipt_number or "—",
                }
            }
        )


def send_receipt_emails(submission_id, language="ko"):
    """E-mail the receipt to the submitter (in their language) and to the Digital Policy
    Officer(s). A mail failure is logged and never undoes the receipt."""
    submission = Submission.objects.select_related("submitted_by").get(pk=submission_id)
    files = list(DocumentFile.objects.filter(document__submission=submission).select_related("document").order_by("pk"))
    context = {"submission": submission, "files": files, "site_url": settings.WEGO_SITE_URL.rstrip("/")}
    recipients = []
    if submission.submitted_by and submission.submitted_by.email:
        recipients.append(([submission.submitted_by.email], language))
    officers = list(
        get_user_model()
        .objects.filter(groups__name=DPO, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if officers:
        recipients.append((officers, "ko"))
    for to, lang in recipients:
        try:
            emails.send("submission_received", to, context, language=lang)
        except Exception:  # noqa: BLE001 - SMTP is outside our control; the receipt stands
            log.exception("Receipt e-mail for submission %s to %s failed", submission_id, to)


# --- Mayor → Council, committee, reasons, evaluation, inspection --------------------


def _documents(ids_or_docs):
    ids = [getattr(d, "pk", d) for d in ids_or_docs]
    found = {d.pk: d for d in Document.objects.select_related("submission").filter(pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {"documents": _("No document was received with the id(s) %(ids)s.") % {"ids": ", ".join(missing)}}
        )
    if not ids:
        raise ValidationError({"documents": _("Choose at least one received document.")})
    return [found[i] for i in ids]


def do_forward_to_council(*, by, forwarded_on, documents, document_number="", note="", token=None, ip=None, today=None):
    """Record that the Mayor forwarded received documents to the Council (17⑤)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            docs = _documents(documents)
            _check_not_future(forwarded_on, today, "forwarded_on")
            for doc in docs:
                if forwarded_on < doc.submission.received_on:
                    raise ValidationError(
                        {
                            "forwarded_on": _(
                                "“%(title)s” was received on %(day)s; it cannot be forwarded before that."
                            )
                            % {"title": doc.title, "day": doc.submission.received_on.isoformat()}
                        }
                    )
            already = ForwardingItem.objects.filter(document__in=docs, forwarding__forwarded_on=forwarded_on)
            if already.exists():
                raise ValidationError(
                    _("“%(title)s” is already recorded as forwarded on %(day)s.")
                    % {"title": already.first().document.title, "day": forwarded_on.isoformat()}
                )
            forwarding = Forwarding.objects.create(
                forwarded_on=forwarded_on, document_number=document_number, recorded_by=by, note=note
            )
            for doc in docs:
                ForwardingItem.objects.create(
                    forwarding=forwarding,
                    document=doc,
                    description=doc.title,
                    kind=doc.kind,
                    fiscal_year=doc.fiscal_year,
                )
            return forwarding

        return _once(by, token, "forwarding", Forwarding, create)


def do_report_to_committee(
    *, by, committee, reported_on, documents, session=None, note="", token=None, ip=None, today=None
):
    """Record that forwarded documents were reported to the standing committee (amended 17⑤)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            docs = _documents(documents)
            _check_not_future(reported_on, today, "reported_on")
            if not isinstance(committee, Party) or committee.kind != Party.Kind.COMMITTEE:
                raise ValidationError({"committee": _("Choose a standing committee.")})
            if session is not None and not (session.starts_on <= reported_on <= session.ends_on):
                raise ValidationError({"session": _("The report date is not within the chosen session.")})
            forwarded = {
                item["document_id"]: item["first"]
                for item in ForwardingItem.objects.filter(document__in=docs)
                .values("document_id")
                .annotate(first=Min("forwarding__forwarded_on"))
            }
            for doc in docs:
                if doc.pk not in forwarded or forwarded[doc.pk] > reported_on:
                    raise ValidationError(
                        {
                            "documents": _("“%(title)s” had not been forwarded to the Council by %(day)s.")
                            % {"title": doc.title, "day": reported_on.isoformat()}
                        }
                    )
            report = CommitteeReport.objects.create(
                committee=committee, session=session, reported_on=reported_on, recorded_by=by, note=note
            )
            report.documents.set(docs)
            return report

        return _once(by, token, "committee_report", CommitteeReport, create)


def do_record_delay_reason(*, by, obligation_key, reason, token=None, ip=None, today=None):
    """Record why a "without delay" duty went past its grace period."""
    from .obligations import Status, obligations_as_of

    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            if not reason.strip():
                raise ValidationError({"reason": _("Write the reason for the delay.")})
            obligation = next((o for o in obligations_as_of(today) if o.key == obligation_key), None)
            if obligation is None:
                raise ValidationError({"obligation_key": _("No such obligation.")})
            if not obligation.is_grace_duty or obligation.status not in (Status.OVERDUE, Status.LATE):
                raise ValidationError(
                    {"obligation_key": _("A reason is recorded only for a duty delayed beyond its grace period.")}
                )
            return DelayReason.objects.create(
                obligation_key=obligation_key, reason=reason.strip(), recorded_on=today, recorded_by=by
            )

        return _once(by, token, "delay_reason", DelayReason, create)


def do_record_evaluation(
    *, by, fiscal_year, evaluated_on, outcome, summary, measures="", documents=(), token=None, ip=None, today=None
):
    """Record the Mayor's performance evaluation of results and settlement (17④)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            _check_fiscal_year(fiscal_year, today)
            _check_not_future(evaluated_on, today, "evaluated_on")
            if outcome not in Evaluation.Outcome.values:
                raise ValidationError({"outcome": _("Choose an outcome.")})
            docs = _documents(documents) if documents else []
            for doc in docs:
                if doc.kind not in EVALUATED_KINDS or doc.fiscal_year != fiscal_year:
                    raise ValidationError(
                        {
                            "documents": _("Only the results and settlement of fiscal year %(fy)s can be evaluated.")
                            % {"fy": fiscal_year}
                        }
                    )
                if evaluated_on < doc.submission.received_on:
                    raise ValidationError(
                        {
                            "evaluated_on": _("“%(title)s” was received on %(day)s, after this date.")
                            % {"title": doc.title, "day": doc.submission.received_on.isoformat()}
                        }
                    )
            evaluation = Evaluation.objects.create(
                fiscal_year=fiscal_year,
                evaluated_on=evaluated_on,
                outcome=outcome,
                summary=summary,
                measures=measures,
                recorded_by=by,
            )
            if docs:
                evaluation.documents.set(docs)
            return evaluation

        return _once(by, token, "evaluation", Evaluation, create)


def do_record_inspection(
    *, by, kind, requested_on, subject, fiscal_year=None, answered_on=None, token=None, ip=None, today=None
):
    """Record an inspection of the secretariat or a request for a report (17②)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            if kind not in InspectionRequest.Kind.values:
                raise ValidationError({"kind": _("Choose inspection or report request.")})
            if fiscal_year is not None:
                _check_fiscal_year(fiscal_year, today)
            _check_not_future(requested_on, today, "requested_on")
            if answered_on is not None:
                _check_not_future(answered_on, today, "answered_on")
                if answered_on < requested_on:
                    raise ValidationError({"answered_on": _("The answer cannot come before the request.")})
            return InspectionRequest.objects.create(
                kind=kind,
                fiscal_year=fiscal_year,
                requested_on=requested_on,
                subject=subject,
                answered_on=answered_on,
                recorded_by=by,
            )

        return _once(by, token, "inspection", InspectionRequest, create)


def competent_committees():
    return Party.objects.filter(kind=Party.Kind.COMMITTEE).order_by("-effective_from", "code")


def sessions():
    return CouncilSession.objects.order_by("-starts_on")

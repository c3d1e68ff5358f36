"""WeGO → Mayor: receiving a submission (17③), its files and its receipt."""

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, storage
from ..dataio.uploads import CheckedFile
from ..display import date_label
from ..models import (
    Document,
    DocumentFile,
    DocumentKind,
    LogLeaf,
    ReceiptCounter,
    Submission,
)
from ..rules.kinds import PLAN_KINDS
from . import receipts, translog
from .common import _check_fiscal_year, _lock, _once

log = logging.getLogger(__name__)


@dataclass
class DocSpec:
    kind: str
    fiscal_year: int
    title: str
    files: list[CheckedFile]
    supersedes: Document | None = None


def next_receipt_number(received_at) -> str:
    """The next free receipt number of the year of `received_at` (Asia/Seoul).

    Taken from the year's `ReceiptCounter` with one atomic upsert, which also locks the
    counter row until the transaction ends (concurrent receipts wait, then get the next
    number). The counter never goes down, so a deleted receipt's number is not handed
    out again; a number that is already taken (an imported receipt) is skipped. Never
    "count + 1": one imported or deleted receipt made that collide for good.
    """
    year = timezone.localtime(received_at).year
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
                f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
                [year],
            )
            number = f"WEGO-{year}-{cursor.fetchone()[0]:04d}"
        if not Submission.objects.filter(receipt_number=number).exists():
            return number


def _lock_duplicate_checks(documents):
    """Hold the duplicate check of each (kind, fiscal year) until the transaction ends.

    Two tabs sending the same file used to both pass the read-then-insert check; now the
    second waits here until the first commits, then finds its file and is refused.
    """
    for kind, fiscal_year in sorted({(str(spec.kind), spec.fiscal_year) for spec in documents}):
        _lock(f"receive:{kind}:{fiscal_year}")


def do_receive_submission(*, by, documents: list[DocSpec], note="", token=None, ip=None, now=None, language="ko"):
    """Receive one submission from the WeGO secretariat: store its files (private,
    content-addressed), number the receipt, and record its e-mails, which the worker
    sends after the commit (`compliance.services.receipts`)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created_blobs = []
    try:
        with transaction.atomic(), audit.acting(by, ip):

            def create():
                if not documents:
                    raise ValidationError(_("Add at least one document."))
                _lock_duplicate_checks(documents)
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
                    translog.log_record(LogLeaf.Kind.RECEIPT, doc, now=now)
                return submission

            outcome = _once(by, token, "submission", Submission, create)
            if outcome.created:
                receipts.record_receipt_emails(outcome.obj, language)
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
                    "day": date_label(sub.received_on),
                    "number": sub.receipt_number or "—",
                }
            }
        )

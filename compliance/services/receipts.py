"""Receipt e-mails: recorded with the receipt, sent and retried by the worker like alerts.

Nothing here runs inside a user's request except `record_receipt_emails()`, which
writes one `ReceiptEmail` row per address in the receipt's transaction and queues it on
commit. The worker's `do_send_receipt_email()` claims the row with one conditional
UPDATE, sends, and records what happened at once: a refused or hung SMTP server (EMAIL_TIMEOUT)
is a failure with a back-off, never a lost e-mail and never a slower receipt.
`do_queue_waiting_receipt_emails()` (from beat every few minutes, and when a worker
starts) queues again what is due: rows recorded while the broker was down, failures
whose retry time has come, rows of a worker that died mid-send.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from .. import emails, queue
from ..models import DocumentFile, LogLeaf, ReceiptEmail
from ..roles import DPO
from . import outbox

log = logging.getLogger(__name__)

# One sweep queues at most this many e-mails; the next sweep takes the rest.
SWEEP_BATCH = 200


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: WEGO_EMAIL_RETRY_SECONDS (5 min), then
    twice as long each time, at most 6 hours."""
    base = settings.WEGO_EMAIL_RETRY_SECONDS
    return datetime.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def record_receipt_emails(submission, language="ko"):
    """In the receipt's transaction: one row per address, each queued after the commit.

    The submitter gets the receipt in the language they submitted in; the Digital
    Policy Officers in Korean.
    """
    addresses = {}
    submitter = submission.submitted_by
    if submitter is not None and submitter.email:
        addresses[submitter.email.lower()] = (submitter.email, language)
    officers = (
        get_user_model()
        .objects.filter(groups__name=DPO, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    for email in officers:
        addresses.setdefault(email.lower(), (email, "ko"))
    now = timezone.now()
    for to, lang in addresses.values():
        row = ReceiptEmail.objects.create(submission=submission, to=to, language=lang, next_attempt_at=now)
        queue.enqueue_on_commit(queue.SEND_RECEIPT_EMAIL, row.pk)


def _claim(email_id, now) -> bool:
    """Claim the row for this worker: one conditional UPDATE that must change one row.

    Not `SELECT ... FOR UPDATE SKIP LOCKED`: that skips a row held by any lock, not only
    another claimer's, and then nobody sent the e-mail until the sweep, minutes later.
    An UPDATE waits for a concurrent claim to end and then re-reads the row, so of two
    workers handed the same e-mail exactly one claims it, and a row merely read or
    locked by someone else is still claimed.
    """
    claimed = (
        ReceiptEmail.objects.filter(pk=email_id)
        .sendable(now)
        .update(status=ReceiptEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def receipt_context(submission, to=""):
    """What the receipt e-mail says; `to` tells the submitter's copy ("your submission")
    from the Digital Policy Officer's ("WeGO's submission")."""
    files = list(DocumentFile.objects.filter(document__submission=submission).select_related("document").order_by("pk"))
    # Each document's leaf in the transparency log: WeGO can later prove the receipt.
    titles = {}
    for f in files:
        titles.setdefault(f.document_id, f.document.title)
    refs = {f"document:{doc_id}": doc_id for doc_id in titles}
    leaves = {refs[leaf.ref]: leaf for leaf in LogLeaf.objects.filter(ref__in=refs).order_by("index")}
    log_entries = [
        {"title": titles[doc_id], "index": leaves[doc_id].index, "leaf_hash": leaves[doc_id].leaf_hash}
        for doc_id in titles
        if doc_id in leaves
    ]
    all_titles = list(submission.documents.order_by("pk").values_list("title", flat=True))
    submitter = submission.submitted_by
    return {
        "submission": submission,
        "files": files,
        "log_entries": log_entries,
        "first_title": all_titles[0] if all_titles else "",
        "more_documents": max(len(all_titles) - 1, 0),
        "for_submitter": bool(submitter and submitter.email and submitter.email.lower() == to.lower()),
        "site_url": settings.WEGO_SITE_URL.rstrip("/"),
    }


def do_send_receipt_email(email_id, now=None):
    """Send one receipt e-mail. Returns None when done (or nothing to do), else the
    seconds until it should be tried again."""
    now = now or timezone.now()
    if not _claim(email_id, now):
        return None
    row = ReceiptEmail.objects.select_related("submission__submitted_by").get(pk=email_id)
    try:
        emails.send(
            "submission_received",
            [row.to],
            receipt_context(row.submission, row.to),
            language=row.language,
            headers={
                "X-WeGO-Receipt": row.submission.receipt_number or str(row.submission.pk),
                "Message-ID": emails.message_id("receipt", row.pk),
            },
        )
    except Exception as exc:  # SMTP and network errors: recorded and retried, never dropped
        delay = retry_delay(row.attempts)
        ReceiptEmail.objects.filter(pk=email_id).update(
            status=ReceiptEmail.Status.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + delay,
        )
        log.warning("Receipt e-mail %s to %s failed (attempt %s): %s", email_id, row.to, row.attempts, exc)
        # A second late, so that the retry finds the row due.
        return int(delay.total_seconds()) + 1
    # Recorded at once; a database that went away right after the send is waited for.
    outbox.mark_sent(ReceiptEmail.objects.filter(pk=email_id), ReceiptEmail.Status.SENT)
    return None


def do_queue_waiting_receipt_emails(now=None) -> int:
    """Queue every receipt e-mail that is due; returns how many were queued.

    Stops at the first refusal: the broker is down, and the next sweep tries again.
    """
    now = now or timezone.now()
    queued = 0
    for pk in ReceiptEmail.objects.sendable(now).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]:
        if not queue.enqueue(queue.SEND_RECEIPT_EMAIL, pk):
            break
        queued += 1
    return queued

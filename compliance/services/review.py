"""The city's review of received documents: outcomes and comments; the read log.

Every outcome and comment is written by a `do_*` function in one transaction and
recorded in the audit trail (model signals, `compliance.audit`). Nothing here touches an
obligation: a review is information next to the statutory status, never part of it.
The alert e-mail to WeGO is queued after the commit (`compliance.queue`).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import audit, emails, queue
from ..access import can_comment_on, can_record_review
from ..display import date_label
from ..labels import fiscal_year_label
from ..models import MAX_REVIEW_TEXT, AlertPreference, Document, LogLeaf, ReadLogEntry, ReviewComment, ReviewOutcome
from ..reviews import lineage
from ..roles import WEGO, role_of
from ..rules.text import has_visible_text
from . import notifications, translog
from .common import _once

log = logging.getLogger(__name__)

Decision = ReviewOutcome.Decision


def _check_text(text, field, *, required, missing_message):
    if required and not has_visible_text(text):
        # Also text made only of zero-width or other invisible characters: it looks empty.
        raise ValidationError({field: missing_message})
    if len(text) > MAX_REVIEW_TEXT:
        raise ValidationError(
            {
                field: _(
                    "This text has %(n)s characters; at most %(max)s are accepted. Nothing was saved: "
                    "shorten it (or split it into several comments) and send it again."
                )
                % {"n": f"{len(text):,}", "max": f"{MAX_REVIEW_TEXT:,}"}
            }
        )


def _check_in_lineage(thread_document, document):
    versions = lineage(thread_document)
    if document.pk not in {v.pk for v in versions}:
        raise ValidationError(
            {
                "document": _(
                    "“%(title)s” (%(fy)s) is not a version of “%(thread)s”; a review is recorded in the "
                    "thread of the document's own lineage."
                )
                % {
                    "title": document.title,
                    "fy": fiscal_year_label(document.fiscal_year),
                    "thread": thread_document.title,
                }
            }
        )
    return versions


def _refuse_a_repeated_outcome(document, decision):
    """Lock the document's row until the transaction ends, then refuse the outcome its
    latest one already is.

    Two officers recording the same outcome at once used to both succeed (two identical
    outcomes, two e-mails to every WeGO user); now the second waits here for the first
    to commit, finds its outcome and is told so, as for forwardings
    (`compliance.services.city._documents`)."""
    Document.objects.select_for_update(of=("self",)).filter(pk=document.pk).values_list("pk", flat=True).first()
    latest = (
        ReviewOutcome.objects.filter(document=document)
        .select_related("recorded_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is not None and latest.decision == decision:
        who = latest.recorded_by.get_full_name() or latest.recorded_by.get_username() if latest.recorded_by else "—"
        raise ValidationError(
            {
                "decision": _(
                    "“%(title)s” already has the outcome “%(decision)s”, recorded by %(who)s on %(day)s. "
                    "It was not recorded again: reload the page to see it."
                )
                % {
                    "title": document.title,
                    "decision": latest.get_decision_display(),
                    "who": who,
                    "day": date_label(timezone.localdate(latest.created_at)),
                }
            }
        )


def do_record_review(
    *, by, thread_document, document, decision, message="", target_date=None, token=None, ip=None, now=None
):
    """Record the Digital Policy Officer's outcome on the latest version of a lineage.

    Refused: a document outside `thread_document`'s lineage, a superseded version, a
    revision request without what must change or without a target date, a target date
    in the past (Seoul), a text over `MAX_REVIEW_TEXT` characters.
    """
    if not can_record_review(by):
        raise PermissionDenied(_("Only the Digital Policy Officer and administrators record review outcomes."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            if decision not in Decision.values:
                raise ValidationError({"decision": _("Choose a review outcome.")})
            _refuse_a_repeated_outcome(document, decision)
            versions = _check_in_lineage(thread_document, document)
            latest = [v for v in versions if v.submission.received_on <= today][-1:] or versions[-1:]
            latest = latest[0]
            if document.pk != latest.pk:
                raise ValidationError(
                    {
                        "document": _(
                            "A newer version, “%(title)s”, was received on %(day)s: record the outcome on that one."
                        )
                        % {"title": latest.title, "day": date_label(latest.submission.received_on)}
                    }
                )
            needs_text = decision in (Decision.REVISION_REQUESTED, Decision.RETURNED)
            missing = (
                _("Write what must change.")
                if decision == Decision.REVISION_REQUESTED
                else _("Write the reason for returning the document.")
            )
            _check_text(message, "message", required=needs_text, missing_message=missing)
            target = target_date
            if decision == Decision.REVISION_REQUESTED:
                if target is None:
                    raise ValidationError({"target_date": _("Give an internal target date for the revision.")})
                if target < today:
                    raise ValidationError(
                        {
                            "target_date": _("The target date %(day)s is in the past (today is %(today)s in Seoul).")
                            % {"day": date_label(target), "today": date_label(today)}
                        }
                    )
            else:
                target = None  # only a revision request has a target
            row = ReviewOutcome.objects.create(
                document=document,
                decision=decision,
                message=message.strip(),
                target_date=target,
                recorded_by=by,
                recorded_by_role=role_of(by) or "",
                created_at=now,
            )
            translog.log_record(LogLeaf.Kind.REVIEW_OUTCOME, row, now=now)
            return row

        outcome = _once(by, token, "review_outcome", ReviewOutcome, create)
        if outcome.created:
            _alert_wego_in_the_app(outcome.obj)
            outcome_id = outcome.obj.pk
            transaction.on_commit(lambda: queue_review_notices(outcome_id))
    return outcome


def _alert_wego_in_the_app(outcome):
    """Every active WeGO user gets the outcome in the app's inbox (and the header badge),
    as well as by e-mail: a revision request must not wait for someone to open the mail."""
    titles = {}
    for lang in ("ko", "en"):
        with translation.override(lang):
            title = _("Review of “%(title)s”: %(outcome)s") % {
                "title": outcome.document.title,
                "outcome": outcome.get_decision_display(),
            }
            if outcome.target_date:
                title += " " + _("(internal target %(day)s)") % {"day": date_label(outcome.target_date)}
            titles[lang] = title
    users = get_user_model().objects.filter(groups__name=WEGO, is_active=True).order_by("pk")
    link = reverse("document_review", args=[outcome.document_id])
    notifications.notify(users, title_ko=titles["ko"], title_en=titles["en"], link=link)


def do_add_comment(*, by, thread_document, document, body, token=None, ip=None, now=None):
    """Add an immutable comment to a lineage's thread (a correction is a new comment)."""
    if not can_comment_on(by, thread_document):
        raise PermissionDenied(_("Council staff read the review thread; they do not write in it."))
    now = now or timezone.now()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            _check_in_lineage(thread_document, document)
            _check_text(body, "body", required=True, missing_message=_("Write a comment."))
            return ReviewComment.objects.create(
                document=document, body=body.strip(), author=by, author_role=role_of(by) or "", created_at=now
            )

        return _once(by, token, "review_comment", ReviewComment, create)


# --- Alert e-mail to WeGO -------------------------------------------------------------


def _wego_recipients():
    return list(get_user_model().objects.filter(groups__name=WEGO, is_active=True).exclude(email="").order_by("pk"))


def queue_review_notices(outcome_id):
    """One task per WeGO recipient, so a retry never re-sends to the others."""
    for user in _wego_recipients():
        if not queue.enqueue(queue.SEND_REVIEW_NOTICE, outcome_id, user.pk):
            log.warning("Review notice for outcome %s to user %s was not queued (broker down)", outcome_id, user.pk)


def send_review_notice(outcome_id, user_id):
    """Render and send the alert e-mail in the recipient's language (raises on SMTP failure)."""
    outcome = ReviewOutcome.objects.select_related("document__submission").get(pk=outcome_id)
    user = get_user_model().objects.get(pk=user_id)
    pref = AlertPreference.objects.filter(user=user).first()
    language = pref.language if pref else "ko"
    context = {"outcome": outcome, "document": outcome.document, "site_url": settings.WEGO_SITE_URL.rstrip("/")}
    emails.send("review_outcome", [user.email], context, language=language)


# --- Read log ---------------------------------------------------------------------------


def packet_documents(build):
    """The documents a finished packet contains, collected again from its parameters
    (the same inputs give the same content: see `compliance.pdf.content`)."""
    from ..pdf.content import PacketError, PacketRequest, collect

    request = PacketRequest(
        scope=build.scope,
        as_of=build.as_of,
        fiscal_year=build.fiscal_year,
        date_from=build.date_from,
        date_to=build.date_to,
        language=build.language,
    )
    try:
        return [d.pk for d in collect(request).documents]
    except PacketError:
        return []


def do_log_read(*, by, ip, kind, name, file=None, packet=None, documents=()):
    """Record one download before it is served (a download we cannot log is not served).

    Not audited and not hash-chained: see `compliance.models.review.ReadLogEntry`.
    """
    signed_in = getattr(by, "is_authenticated", False)
    if packet is not None and not documents:
        documents = packet_documents(packet)
    elif file is not None and not documents:
        documents = [file.document_id]
    with transaction.atomic():
        entry = ReadLogEntry.objects.create(
            at=timezone.now(),
            user=by if signed_in else None,
            user_name=by.get_username() if signed_in else "",
            user_role=role_of(by) or "" if signed_in else "",
            # An anonymous visitor of the public register is counted, not identified.
            ip_address=ip if signed_in else None,
            kind=kind,
            name=name[:300],
            file=file,
            packet=packet,
        )
        docs = [d.pk if isinstance(d, Document) else d for d in documents]
        if docs:
            entry.documents.add(*docs)
    return entry

"""Sending alert e-mails: claiming deliveries, one e-mail or a batch over one connection,
each marked sent as the mail server takes it, and the digest. The scan that creates the
deliveries is `compliance.services.alerts`, which re-exports these names.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from .. import emails, register
from ..alert_text import absolute_url, alert_title, obligation_context
from ..models import AlertDelivery, AlertPreference
from ..rules.alerts import (
    should_cancel,
)
from ..rules.obligations import Status
from . import outbox

log = logging.getLogger(__name__)


def preference_for(user):
    pref, _created = AlertPreference.objects.get_or_create(user=user, defaults={"language": settings.LANGUAGE_CODE})
    return pref


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: 5 min, 10, 20, ... at most 6 hours."""
    return datetime.timedelta(seconds=min(300 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(queryset, now):
    """Claim rows for sending with one conditional UPDATE; returns the claimed ids.

    Rows another claimer holds are skipped (overlapping batches); `no_key` so that a row
    merely referenced by a concurrent insert (a notification's foreign key takes a key
    share lock on its delivery) is not skipped and left for the sweep."""
    with transaction.atomic():
        ids = list(queryset.sendable(now).select_for_update(skip_locked=True, no_key=True).values_list("pk", flat=True))
        if ids:
            AlertDelivery.objects.filter(pk__in=ids).update(
                status=AlertDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def _mark_sent(ids):
    """Record `ids` as sent, waiting out a short database outage (`outbox.mark_sent`)."""
    outbox.mark_sent(AlertDelivery.objects.filter(pk__in=ids), AlertDelivery.Status.SENT)


def _fail(ids, exc, now):
    for row in AlertDelivery.objects.filter(pk__in=ids):
        row.status = AlertDelivery.Status.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.save(update_fields=["status", "last_error", "next_attempt_at"])
    log.warning("Alert e-mail failed for deliveries %s: %s", ids, exc)


def do_send_delivery(delivery_id, now=None, reg=None):
    """Send one alert e-mail. Returns None when done (or nothing to do), else seconds until a retry."""
    return do_send_deliveries([delivery_id], now=now, reg=reg)


def do_send_deliveries(delivery_ids, now=None, reg=None):
    """Send a batch of alert e-mails, each on its own terms. Returns None when all are
    done (sent, cancelled or not ours to send), else seconds until the failed ones may be
    retried.

    The same few queries however many alerts (the claim, the rows, the data version: the
    register is reused while the data is unchanged), plus one UPDATE per e-mail sent,
    committed right after the mail server took it: the window in which a dying worker
    can leave a sent e-mail unrecorded is one message, not the batch.
    Each alert is claimed only if it is still sendable (`_claim`: rows locked by another
    worker are skipped), so of two workers handed the same alert one sends it. Each
    failure is recorded on its own row with its own back-off; the others are sent."""
    now = now or timezone.now()
    ids = _claim(AlertDelivery.objects.filter(pk__in=list(delivery_ids), via_digest=False), now)
    if not ids:
        return None
    rows = list(
        AlertDelivery.objects.filter(pk__in=ids)
        .select_related("stage", "recipient", "recipient__alert_preference")
        .order_by("pk")
    )
    as_of = timezone.localdate(now)
    obligations = (reg or register.load()).by_keys({row.obligation_key for row in rows}, as_of)
    inbox_url = absolute_url(reverse("alerts_inbox"))
    preferences_url = absolute_url(reverse("alerts_preferences"))
    described = {}  # (obligation key, language) -> what the templates show; many alerts share one
    sent, cancelled, failed = [], [], []
    connection = mail.get_connection()
    try:
        for row in rows:
            obligation = obligations.get(row.obligation_key)
            if obligation is None or obligation.is_fulfilled:
                cancelled.append(row.pk)
                continue
            try:
                pref = row.recipient.alert_preference
            except AlertPreference.DoesNotExist:
                pref = preference_for(row.recipient)
            language = pref.language
            if (obligation.key, language) not in described:
                described[obligation.key, language] = obligation_context(obligation, as_of, language)
            context = {
                "user": row.recipient,
                "stage": row.stage,
                "as_of": as_of,
                "obligation": described[obligation.key, language],
                "title": alert_title(obligation, row.stage, as_of, language),
                "inbox_url": inbox_url,
                "preferences_url": preferences_url,
            }
            try:
                emails.send(
                    "alert",
                    [row.recipient.email],
                    context,
                    language,
                    headers={"X-WeGO-Alert": row.obligation_key, "Message-ID": emails.message_id("alert", row.pk)},
                    connection=connection,
                )
            except Exception as exc:  # SMTP and network errors: recorded and retried, never dropped
                failed.append((row, exc))
                continue
            # Marked sent at once, in its own commit: a worker killed later in the batch
            # (deploy, OOM, time limit) leaves only unsent rows "sending" for the sweep.
            _mark_sent([row.pk])
            sent.append(row.pk)
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection: nothing left to do
            log.debug("Closing the mail connection failed", exc_info=True)
    if cancelled:
        AlertDelivery.objects.filter(pk__in=cancelled).update(status=AlertDelivery.Status.CANCELLED)
    for row, exc in failed:
        _fail([row.pk], exc, now)
    if failed:
        # The task retries when every failed alert may be tried again (each row keeps its own time).
        return max(int(retry_delay(row.attempts).total_seconds()) for row, _exc in failed)
    return None


def do_send_digest(user_id, now=None, reg=None):
    """Send one e-mail listing the user's waiting digest alerts. Same return as `do_send_delivery`."""
    now = now or timezone.now()
    ids = _claim(AlertDelivery.objects.filter(recipient_id=user_id, via_digest=True), now)
    if not ids:
        return None
    rows = list(AlertDelivery.objects.filter(pk__in=ids).select_related("stage", "recipient"))
    user = rows[0].recipient
    as_of = timezone.localdate(now)
    obligations = (reg or register.load()).by_keys({row.obligation_key for row in rows}, as_of)
    pref = preference_for(user)
    items, done = {}, []
    for row in rows:
        ob = obligations.get(row.obligation_key)
        if ob is None or should_cancel(row.stage.kind, ob.is_fulfilled, bool(ob.reasons)):
            continue
        items.setdefault(ob.key, ob)
        done.append(row.pk)
    cancelled = [pk for pk in ids if pk not in done]
    AlertDelivery.objects.filter(pk__in=cancelled).update(status=AlertDelivery.Status.CANCELLED)
    if not items:
        return None
    ordered = sorted(items.values(), key=lambda o: (o.status != Status.OVERDUE, o.due_date, o.key))
    context = {
        "user": user,
        "as_of": as_of,
        "overdue": [obligation_context(o, as_of, pref.language) for o in ordered if o.status == Status.OVERDUE],
        "upcoming": [obligation_context(o, as_of, pref.language) for o in ordered if o.status != Status.OVERDUE],
        "inbox_url": absolute_url(reverse("alerts_inbox")),
        "preferences_url": absolute_url(reverse("alerts_preferences")),
    }
    try:
        emails.send(
            "digest",
            [user.email],
            context,
            pref.language,
            headers={"X-WeGO-Digest": as_of.isoformat(), "Message-ID": emails.message_id("digest", min(done))},
        )
    except Exception as exc:
        _fail(done, exc, now)
        return int(retry_delay(max(r.attempts for r in rows)).total_seconds())
    _mark_sent(done)
    return None

"""Alerts, the write side: the scan that records due alerts and the senders of e-mails.

`do_scan()` runs in one transaction: it creates deliveries and in-app notifications and
queues the e-mails on commit (`compliance.queue`). If the broker is down the rows are
still committed; the next scan re-enqueues whatever is unsent. Which alerts are due is
decided by the pure policy in `compliance.rules.alerts`; obligations come from
`compliance.register`, loaded once per scan or per e-mail wave, never per message.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import emails, queue, register, roles
from ..alert_text import absolute_url, alert_title, obligation_context
from ..display import date_label
from ..models import AlertDelivery, AlertPreference, AlertScan, AlertStage, Notification, RecordStream
from ..rules.alerts import (
    DIGEST,
    REMINDER,
    RESPONSIBLE,
    ObligationFacts,
    StageDef,
    due_alerts,
    records_reminders,
    roles_for,
    should_cancel,
)
from ..rules.obligations import Status
from . import outbox, packets

log = logging.getLogger(__name__)


# --- From the database to the pure world ------------------------------------------------


def responsible_role(spec) -> str:
    """WeGO's secretariat for its submissions; the Digital Policy Officer for the city's duties."""
    kind = spec.actor_kind
    if kind == "secretariat":
        return roles.WEGO
    if kind in ("council", "committee"):
        return roles.COUNCIL_STAFF
    return roles.DPO


def announced_due_dates(keys=None) -> dict:
    """obligation key -> the earliest due date ever announced in an alert (one query).

    A due date can move after it was announced (a holiday added or removed, a session
    entered, a rule edited); the alert rows keep the date each alert announced.
    """
    rows = AlertDelivery.objects.all()
    if keys is not None:
        rows = rows.filter(obligation_key__in=list(keys))
    return dict(rows.values("obligation_key").annotate(first=Min("due_date")).values_list("obligation_key", "first"))


def announced_due_date(key):
    """The earliest due date ever announced for one obligation, or None: as
    `announced_due_dates([key])`, the query written out because the obligation page asks
    on every view (through the ORM, building the query took longer than running it)."""
    meta = AlertDelivery._meta
    table = connection.ops.quote_name(meta.db_table)
    due, obligation = (connection.ops.quote_name(meta.get_field(f).column) for f in ("due_date", "obligation_key"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({due}) FROM {table} WHERE {obligation} = %s", [key])
        return cursor.fetchone()[0]


def facts_of(obligation, announced=None) -> ObligationFacts:
    """Plain facts for the alert policy. Reminders aim at the earlier of the current due
    date and the one first announced (a date that moved later never makes one late);
    escalations wait for the real due date."""
    return ObligationFacts(
        key=obligation.key,
        duty=obligation.duty,
        due=obligation.target_date,  # an agreed extension moves the reminders with it
        announced_due=announced,
        responsible_role=responsible_role(obligation.spec),
        fulfilled_on=obligation.fulfilled_on,
        has_reason=bool(obligation.reasons),
        # We do not know it is late, or know it only up to the records' end: no escalation.
        no_record=obligation.status == Status.NO_RECORD or obligation.records_end_overdue,
        stream=obligation.stream,
        records_gap=obligation.records_gap,
    )


def scan_candidates(as_of, announced, reg=None):
    """The obligations an alert may be due for on `as_of`, selected by an indexed date
    (healthchecks' `alert_after`): open on that day, and due no later than the earliest
    stage offset ahead of it (or announced earlier). A missed scan loses nothing: the
    window is "on or before", never "exactly"."""
    from django.db.models import Q

    offsets = AlertStage.objects.filter(is_active=True).values_list("offset_days", flat=True)
    ahead = max([-days for days in offsets] + [0])
    reg = reg or register.load()
    rows = reg.known(as_of).filter(Q(fulfilled_on__isnull=True) | Q(fulfilled_on__gt=as_of))
    rows = rows.filter(Q(due_date__lte=as_of + datetime.timedelta(days=ahead)) | Q(key__in=list(announced)))
    return reg.materialize(rows.order_by("due_date", "key"), as_of)


def stage_def(stage) -> StageDef:
    audiences = set()
    if stage.notify_responsible:
        audiences.add(RESPONSIBLE)
    if stage.notify_dpo:
        audiences.add(roles.DPO)
    if stage.notify_council_staff:
        audiences.add(roles.COUNCIL_STAFF)
    return StageDef(
        id=stage.pk,
        code=stage.code,
        kind=stage.kind,
        offset_days=stage.offset_days,
        audiences=frozenset(audiences),
        repeat_every_days=stage.repeat_every_days,
    )


def load_stages():
    """duty code -> [StageDef]: a duty's own active stages, else the default ones."""
    defaults, own = [], defaultdict(list)
    # A duty with stages of its own (even all inactive) does not fall back to the defaults.
    configured = set()
    for stage in AlertStage.objects.select_related("duty_rule"):
        if stage.duty_rule_id:
            configured.add(stage.duty_rule.code)
        if not stage.is_active:
            continue
        if stage.duty_rule_id:
            own[stage.duty_rule.code].append(stage_def(stage))
        else:
            defaults.append(stage_def(stage))
    return lambda duty: own[duty] if duty in configured else defaults


def users_by_role():
    """role -> active users in its group (administrators get no alerts unless in a group)."""
    result = defaultdict(list)
    User = get_user_model()
    for user in User.objects.filter(is_active=True, groups__name__in=roles.ROLE_GROUPS).prefetch_related("groups"):
        for group in user.groups.all():
            if group.name in roles.ROLE_GROUPS and user not in result[group.name]:
                result[group.name].append(user)
    return result


def preference_for(user):
    pref, _created = AlertPreference.objects.get_or_create(user=user, defaults={"language": settings.LANGUAGE_CODE})
    return pref


def user_cares_about(role, duty, stages_for, responsible) -> bool:
    """A user cares about a duty if any stage of it would ever alert the user's role."""
    return any(role in roles_for(stage, responsible) for stage in stages_for(duty))


# --- The scan (write side) -----------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: 5 min, 10, 20, ... at most 6 hours."""
    return datetime.timedelta(seconds=min(300 * 2 ** max(attempts - 1, 0), 6 * 3600))


def request_scan():
    """For `do_*` services: scan after this transaction commits (e.g. a new receipt).

    Safe when the broker is down: the user's action has committed already, and the daily
    scan catches up.
    """
    queue.enqueue_on_commit(queue.SCAN_ALERTS)


def do_scan(as_of=None, now=None):
    """Record the alerts due on `as_of`, notify in-app, and queue e-mails after commit.

    Idempotent: re-running creates nothing new; unsent e-mails are queued again.
    Returns the `AlertScan` row. The attempt is recorded first, in a commit of its own, so
    a scan that fails keeps a row with the error and one that is killed keeps a row that
    never finished (`/health/` and the sweep read them); the error is raised again for
    the task to retry.
    """
    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    scan = AlertScan.objects.create(as_of=as_of, started_at=now)
    try:
        _scan(scan, as_of, now)
    except Exception as exc:
        _record_failure(scan, exc)
        raise
    return scan


def _scan(scan, as_of, now):
    stages_for = load_stages()
    announced = announced_due_dates()
    obligations = {o.key: o for o in scan_candidates(as_of, announced)}
    facts = [facts_of(o, announced.get(o.key)) for o in obligations.values()]
    due = due_alerts(
        facts,
        stages_for,
        as_of,
        catch_up_days=settings.WEGO_ALERT_CATCH_UP_DAYS,
        digest_weekday=settings.WEGO_ALERT_DIGEST_WEEKDAY,
    )
    people = users_by_role()
    created = 0
    with transaction.atomic():
        prefs = {}
        for alert in due:
            for user in people.get(alert.role, []):
                pref = prefs.get(user.pk) or prefs.setdefault(user.pk, preference_for(user))
                via_digest = alert.stage.kind == DIGEST or pref.mode == "digest"
                delivery, was_created = AlertDelivery.objects.get_or_create(
                    obligation_key=alert.obligation_key,
                    stage_id=alert.stage.id,
                    recipient=user,
                    occurrence=alert.occurrence,
                    defaults={
                        "due_date": alert.due,
                        "alert_date": alert.alert_date,
                        "via_digest": via_digest,
                        "status": AlertDelivery.Status.PENDING if user.email else AlertDelivery.Status.IN_APP,
                        "next_attempt_at": now,
                    },
                )
                if not was_created:
                    continue
                created += 1
                obligation = obligations[alert.obligation_key]
                Notification.objects.create(
                    recipient=user,
                    delivery=delivery,
                    obligation_key=alert.obligation_key,
                    title_ko=alert_title(obligation, alert.stage, as_of, "ko"),
                    title_en=alert_title(obligation, alert.stage, as_of, "en"),
                )
        _remind_about_records(facts, people.get(roles.DPO, []))
        _cancel_stale(as_of)
        sendable = list(AlertDelivery.objects.sendable(now).values_list("pk", "via_digest", "recipient_id"))
        scan.created = created
        scan.to_send = len(sendable)
        scan.finished_at = timezone.now()
        scan.save(update_fields=["created", "to_send", "finished_at"])
        transaction.on_commit(lambda: _record_enqueued(scan, sendable))
        # Packet builds recorded while the broker was down, whose message was lost or whose
        # worker died: queued again or failed with the reason.
        transaction.on_commit(lambda: packets.recover_builds(now))


def _record_failure(scan, exc):
    """Keep the error on the attempt's row (if the database answers at all)."""
    log.warning("Alert scan %s failed: %s", scan.pk, exc)
    try:
        AlertScan.objects.filter(pk=scan.pk).update(
            error=f"{type(exc).__name__}: {exc}"[:2000] or "error", finished_at=timezone.now()
        )
    except DatabaseError as second:  # the database is down: the row stays unfinished
        log.warning("Could not record the failure of alert scan %s: %s", scan.pk, second)


def _record_enqueued(scan, sendable):
    """After commit: count only the e-mails the broker really took (none while it is down;
    the rows stay unsent and the next scan queues them again)."""
    scan.enqueued = _enqueue(sendable)
    AlertScan.objects.filter(pk=scan.pk).update(enqueued=scan.enqueued)


def _cancel_stale(as_of):
    """Unsent alerts of fulfilled obligations, or escalations after a reason was recorded."""
    open_rows = list(
        AlertDelivery.objects.filter(
            status__in=[AlertDelivery.Status.PENDING, AlertDelivery.Status.FAILED]
        ).select_related("stage")
    )
    obligations = register.load().by_keys({row.obligation_key for row in open_rows}, as_of)
    cancel = []
    for row in open_rows:
        ob = obligations.get(row.obligation_key)
        if ob is None:
            continue
        unknown = ob.status == Status.NO_RECORD or ob.records_end_overdue
        if should_cancel(row.stage.kind, ob.is_fulfilled, bool(ob.reasons), unknown):
            cancel.append(row.pk)
    if cancel:
        AlertDelivery.objects.filter(pk__in=cancel).update(status=AlertDelivery.Status.CANCELLED)


def _remind_about_records(facts, officers):
    """Tell the Digital Policy Officer, once per gap, that records stop short of today.

    In place of escalations for `no_record` duties: nobody is accused; the officer is asked
    to bring the records (or their coverage) up to date.
    """
    for (stream, gap), keys in sorted(records_reminders(facts).items()):
        marker = f"records:{stream}:{gap.isoformat()}"
        stream_labels = dict(RecordStream.choices)
        for user in officers:
            if Notification.objects.filter(recipient=user, obligation_key=marker).exists():
                continue
            titles = {}
            for language in ("ko", "en"):
                with translation.override(language):
                    titles[language] = _(
                        "Records of “%(stream)s” stop on %(day)s: %(count)s duties show “no record”. "
                        "Please bring the records up to date."
                    ) % {
                        "stream": stream_labels.get(stream, stream),
                        "day": date_label(gap - datetime.timedelta(days=1)),
                        "count": len(keys),
                    }
            Notification.objects.create(
                recipient=user, obligation_key=marker, title_ko=titles["ko"], title_en=titles["en"]
            )


def alert_batches(pks, size=None):
    """The alert e-mails `pks` in batches of WEGO_ALERT_BATCH_SIZE: one task each."""
    pks = list(pks)
    size = max(1, size or settings.WEGO_ALERT_BATCH_SIZE)
    return [pks[i : i + size] for i in range(0, len(pks), size)]


def _enqueue(sendable) -> int:
    """Queue one task per batch of alert e-mails and one per digest; returns how many
    deliveries were really queued."""
    queued, digests, single = 0, defaultdict(int), []
    for pk, via_digest, user_id in sendable:
        if via_digest:
            digests[user_id] += 1
        else:
            single.append(pk)
    for batch in alert_batches(single):
        if queue.enqueue(queue.DELIVER_ALERTS, batch):
            queued += len(batch)
    for user_id in sorted(digests):
        if queue.enqueue(queue.SEND_DIGEST, user_id):
            queued += digests[user_id]
    return queued


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


def scan_retry_delay(retries: int) -> int:
    """Seconds before retrying a failed scan: WEGO_ALERT_SCAN_RETRY_SECONDS, doubling, at most an hour."""
    return min(settings.WEGO_ALERT_SCAN_RETRY_SECONDS * 2**retries, 3600)


def last_successful_scan():
    """When the newest scan that succeeded finished, or None."""
    return (
        AlertScan.objects.filter(finished_at__isnull=False, error="")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def scan_schedule():
    """The daily scan's beat schedule (a celery crontab), or None if disabled or deleted."""
    from django_celery_beat.models import PeriodicTask

    task = (
        PeriodicTask.objects.filter(task=queue.SCAN_ALERTS, enabled=True, crontab__isnull=False)
        .select_related("crontab")
        .first()
    )
    return task.crontab.schedule if task else None


def next_scan_due(last=None, schedule=None):
    """The first scheduled scan after the last successful one (None if none ever succeeded).

    Without a beat schedule, a scan a day. A scan that ran early (a receipt at 03:00
    requests one) does not stand in for the 07:00 one: the next due time follows it.
    """
    last = last or last_successful_scan()
    if last is None:
        return None
    schedule = schedule or scan_schedule()
    if schedule is None:
        return last + datetime.timedelta(days=1)
    start, delta, _now = schedule.remaining_delta(last)
    return start + delta


def scan_needed(now=None) -> bool:
    """No scan has succeeded since the last scheduled time (or ever)."""
    due = next_scan_due()
    return due is None or due <= (now or timezone.now())


def scan_in_flight(now=None) -> bool:
    """A scan attempt started recently: let it finish or retry before queueing another."""
    since = (now or timezone.now()) - datetime.timedelta(minutes=15)
    return AlertScan.objects.filter(started_at__gte=since).exists()


def obligations_for_user(user, as_of, reg=None):
    """The obligations whose alerts would reach `user`, with the reminder stages of each
    (the personal calendar feed)."""
    role = roles.role_of(user)
    stages_for = load_stages()
    result = []
    for ob in (reg or register.load()).obligations(as_of):
        responsible = responsible_role(ob.spec)
        if role and user_cares_about(role, ob.duty, stages_for, responsible):
            reminders = [s for s in stages_for(ob.duty) if s.kind == REMINDER and s.offset_days < 0]
            result.append((ob, reminders))
    return result

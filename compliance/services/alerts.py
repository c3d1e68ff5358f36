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
from django.db import DatabaseError, connection, transaction
from django.db.models import Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import queue, register, roles
from ..alert_text import alert_title
from ..display import date_label
from ..models import AlertDelivery, AlertScan, AlertStage, Notification, RecordStream
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
from . import packets
from .alert_mail import (  # noqa: F401 - re-exported: the sending side of alerts
    _claim,
    _fail,
    _mark_sent,
    do_send_deliveries,
    do_send_delivery,
    do_send_digest,
    preference_for,
    retry_delay,
)
from .scan_schedule import (  # noqa: F401 - re-exported: when scans are due
    last_successful_scan,
    next_scan_due,
    scan_in_flight,
    scan_needed,
    scan_retry_delay,
    scan_schedule,
)

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


def user_cares_about(role, duty, stages_for, responsible) -> bool:
    """A user cares about a duty if any stage of it would ever alert the user's role."""
    return any(role in roles_for(stage, responsible) for stage in stages_for(duty))


# --- The scan (write side) -----------------------------------------------------------------


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

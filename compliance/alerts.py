"""Deadline alerts: which alerts are due (pure), and the scan that records and sends them.

The pure part, `due_alerts()`, takes obligations as plain facts, stage definitions and a
day, and returns the (obligation, stage, recipient role, occurrence) alerts that are due
on that day. It looks at **windows** (``stage date <= as_of``), never at "exactly N days
before", so a scan that did not run for a week still finds everything it missed, and
the unique `AlertDelivery` row per (obligation, stage, recipient, occurrence) makes a
second run send nothing twice (the djangoproject.com renewal mail that matches one exact
day is the counter-example).

Policy, in one place:

* A fulfilled obligation gets no alert; unsent ones are cancelled at the next scan.
* A recorded delay reason stops escalations and digests (not reminders).
* One-off stages are sent if their date is within the catch-up window
  (``WEGO_ALERT_CATCH_UP_DAYS``, default 30): a stage added after its date passed, or
  a scan missed for days, is sent once at the next scan; stages older than the window
  (e.g. from 2022, the first time the app is deployed on the real history) are left to
  the weekly digest instead of flooding inboxes.
* A repeating stage (the weekly digest) recurs on a fixed weekday
  (``WEGO_ALERT_DIGEST_WEEKDAY``, Monday) from its offset on; only the latest
  occurrence is due, so a long outage sends one digest, not one per missed week.

`do_scan()` is the write side: it runs in one transaction, creates deliveries and
in-app notifications, and queues the e-mails `on_commit`. If the broker is down the
rows are still committed; the next scan re-enqueues whatever is unsent.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import roles
from .obligations import Status, load_history, obligations_as_of

log = logging.getLogger(__name__)

RESPONSIBLE = "responsible"
# Stage kinds (the values of AlertStage.Kind, repeated here so this module stays pure).
REMINDER, ESCALATION, DIGEST = "reminder", "escalation", "digest"


# --- Pure: which alerts are due ------------------------------------------------------


@dataclass(frozen=True)
class StageDef:
    id: int
    code: str
    kind: str
    offset_days: int
    audiences: frozenset  # of RESPONSIBLE, roles.DPO, roles.COUNCIL_STAFF
    repeat_every_days: int | None = None


@dataclass(frozen=True)
class ObligationFacts:
    key: str
    duty: str
    due: datetime.date
    responsible_role: str
    fulfilled_on: datetime.date | None = None
    has_reason: bool = False


@dataclass(frozen=True)
class DueAlert:
    obligation_key: str
    stage: StageDef
    role: str
    occurrence: int
    alert_date: datetime.date
    due: datetime.date


def first_on_weekday(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def stage_date(stage: StageDef, due: datetime.date, as_of: datetime.date, digest_weekday: int = 0):
    """(occurrence, date) of the latest occurrence of `stage` on or before `as_of`, or None."""
    start = due + datetime.timedelta(days=stage.offset_days)
    if not stage.repeat_every_days:
        return (0, start) if start <= as_of else None
    first = first_on_weekday(start, digest_weekday)
    if first > as_of:
        return None
    n = (as_of - first).days // stage.repeat_every_days
    return n, first + datetime.timedelta(days=n * stage.repeat_every_days)


def roles_for(stage: StageDef, responsible_role: str) -> set[str]:
    result = set()
    if RESPONSIBLE in stage.audiences:
        result.add(responsible_role)
    result.update(a for a in stage.audiences if a != RESPONSIBLE)
    return result


def due_alerts(
    obligations,
    stages_for,
    as_of: datetime.date,
    catch_up_days: int = 30,
    digest_weekday: int = 0,
) -> list[DueAlert]:
    """The alerts due on `as_of`: ``stages_for(duty)`` gives the `StageDef`s of a duty.

    Windows, not exact days: every stage whose date is on or before `as_of` (and, for
    one-off stages, within `catch_up_days`) is due; the caller keeps what it already sent.
    """
    oldest = as_of - datetime.timedelta(days=catch_up_days)
    result = []
    for ob in obligations:
        if ob.fulfilled_on is not None and ob.fulfilled_on <= as_of:
            continue
        for stage in stages_for(ob.duty):
            if stage.kind != REMINDER and ob.has_reason:
                continue
            when = stage_date(stage, ob.due, as_of, digest_weekday)
            if when is None:
                continue
            occurrence, day = when
            if not stage.repeat_every_days and day < oldest:
                continue
            if stage.kind == DIGEST and as_of <= ob.due:
                continue
            for role in sorted(roles_for(stage, ob.responsible_role)):
                result.append(DueAlert(ob.key, stage, role, occurrence, day, ob.due))
    return result


def schedule(obligation: ObligationFacts, stages, until: datetime.date, digest_weekday: int = 0):
    """Every (date, stage, role) an obligation would alert on up to `until`, if nothing changes.

    For display (the "next alerts" list, the `alerts` command); digests listed weekly.
    """
    rows = []
    for stage in stages:
        start = obligation.due + datetime.timedelta(days=stage.offset_days)
        if stage.repeat_every_days:
            day = first_on_weekday(start, digest_weekday)
            dates = []
            while day <= until:
                dates.append(day)
                day += datetime.timedelta(days=stage.repeat_every_days)
        else:
            dates = [start] if start <= until else []
        for day in dates:
            for role in sorted(roles_for(stage, obligation.responsible_role)):
                rows.append((day, stage, role))
    rows.sort(key=lambda r: (r[0], r[1].offset_days, r[2]))
    return rows


# --- From the database to the pure world ------------------------------------------------


def responsible_role(rule) -> str:
    """WeGO's secretariat for its submissions; the Digital Policy Officer for the city's duties."""
    kind = rule.actor.kind
    if kind == "secretariat":
        return roles.WEGO
    if kind in ("council", "committee"):
        return roles.COUNCIL_STAFF
    return roles.DPO


def facts_of(obligation) -> ObligationFacts:
    return ObligationFacts(
        key=obligation.key,
        duty=obligation.duty,
        due=obligation.due_date,
        responsible_role=responsible_role(obligation.rule),
        fulfilled_on=obligation.fulfilled_on,
        has_reason=bool(obligation.reasons),
    )


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
    from .models import AlertStage

    defaults, own = [], defaultdict(list)
    for stage in AlertStage.objects.filter(is_active=True).select_related("duty_rule"):
        if stage.duty_rule_id:
            own[stage.duty_rule.code].append(stage_def(stage))
        else:
            defaults.append(stage_def(stage))
    # A duty with stages of its own (even all inactive) does not fall back to the defaults.
    configured = set(AlertStage.objects.filter(duty_rule__isnull=False).values_list("duty_rule__code", flat=True))
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
    from .models import AlertPreference

    pref, _created = AlertPreference.objects.get_or_create(user=user, defaults={"language": settings.LANGUAGE_CODE})
    return pref


def user_cares_about(role, duty, stages_for, responsible) -> bool:
    """A user cares about a duty if any stage of it would ever alert the user's role."""
    return any(role in roles_for(stage, responsible) for stage in stages_for(duty))


# --- Messages ----------------------------------------------------------------------------


def alert_title(obligation, stage, as_of, language):
    """The one-line title of an alert, in `language` (inbox and e-mail subject)."""
    with translation.override(language):
        name = obligation.rule.name
        fy = obligation.fiscal_year
        days = (obligation.due_date - as_of).days
        due = obligation.due_date.isoformat()
        if stage.kind == DIGEST:
            return _("Still open: %(name)s (FY%(fy)s), due %(due)s") % {"name": name, "fy": fy, "due": due}
        if days > 0:
            return _("Due in %(days)s days: %(name)s (FY%(fy)s), %(due)s") % {
                "days": days,
                "name": name,
                "fy": fy,
                "due": due,
            }
        if days == 0:
            return _("Due today: %(name)s (FY%(fy)s)") % {"name": name, "fy": fy}
        return _("Overdue by %(days)s days: %(name)s (FY%(fy)s), due %(due)s") % {
            "days": -days,
            "name": name,
            "fy": fy,
            "due": due,
        }


def absolute_url(path):
    return settings.WEGO_SITE_URL.rstrip("/") + path


def obligation_context(obligation, as_of, language):
    """What the e-mail templates show about one obligation, computed in `language`."""
    with translation.override(language):
        return {
            "key": obligation.key,
            "name": str(obligation.rule.name),
            "fiscal_year": obligation.fiscal_year,
            "actor": str(obligation.rule.actor.name),
            "recipient": str(obligation.rule.recipient.name),
            "due_date": obligation.due_date,
            "days_left": (obligation.due_date - as_of).days,
            "days_overdue": (as_of - obligation.due_date).days,
            "status": obligation.status,
            "status_label": str(obligation.status_label),
            "derivation": obligation.deadline.derivation(language),
            "document": obligation.document.title if obligation.document else "",
            "url": absolute_url(reverse("obligation_detail", args=[obligation.key])),
        }


# --- The scan (write side) -----------------------------------------------------------------


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after the n-th failed attempt: 5 min, 10, 20, ... at most 6 hours."""
    return datetime.timedelta(seconds=min(300 * 2 ** max(attempts - 1, 0), 6 * 3600))


def safe_enqueue(task, *args):
    """Queue a task; a broker that is down is logged, not raised: the next scan re-enqueues."""
    from wego_tracker.celery import app

    try:
        # Fail fast: Celery's default would retry the connection for minutes, holding up
        # the user's request (or the scan) while Redis is down.
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=app.conf.broker_connection_timeout)
            task.apply_async(args=args, connection=conn, retry=False)
        return True
    except Exception as exc:  # kombu/redis connection errors: outside our control
        log.warning("Could not queue %s%r (broker down?): %s", task.name, args, exc)
        return False


def request_scan():
    """For `do_*` services: scan after this transaction commits (e.g. a new receipt).

    Safe when the broker is down: the user's action has committed already, and the daily
    scan catches up.
    """
    from .tasks import scan_alerts

    transaction.on_commit(lambda: safe_enqueue(scan_alerts))


def do_scan(as_of=None, now=None):
    """Record the alerts due on `as_of`, notify in-app, and queue e-mails after commit.

    Idempotent: re-running creates nothing new; unsent e-mails are queued again.
    Returns the `AlertScan` row.
    """
    from .models import AlertDelivery, AlertScan, Notification

    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    history = load_history()
    obligations = {o.key: o for o in obligations_as_of(as_of, history=history)}
    stages_for = load_stages()
    due = due_alerts(
        [facts_of(o) for o in obligations.values()],
        stages_for,
        as_of,
        catch_up_days=settings.WEGO_ALERT_CATCH_UP_DAYS,
        digest_weekday=settings.WEGO_ALERT_DIGEST_WEEKDAY,
    )
    people = users_by_role()
    created = 0
    with transaction.atomic():
        scan = AlertScan.objects.create(as_of=as_of, started_at=now)
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
        _cancel_stale(obligations, as_of)
        sendable = list(AlertDelivery.objects.sendable(now).values_list("pk", "via_digest", "recipient_id"))
        scan.created = created
        scan.enqueued = len(sendable)
        scan.finished_at = timezone.now()
        scan.save(update_fields=["created", "enqueued", "finished_at"])
        transaction.on_commit(lambda: _enqueue(sendable))
    return scan


def _cancel_stale(obligations, as_of):
    """Unsent alerts of fulfilled obligations, or escalations after a reason was recorded."""
    from .models import AlertDelivery

    open_rows = AlertDelivery.objects.filter(
        status__in=[AlertDelivery.Status.PENDING, AlertDelivery.Status.FAILED]
    ).select_related("stage")
    cancel = []
    for row in open_rows:
        ob = obligations.get(row.obligation_key)
        if ob is None:
            continue
        fulfilled = ob.status in (Status.ON_TIME, Status.LATE)
        if fulfilled or (row.stage.kind != REMINDER and ob.reasons):
            cancel.append(row.pk)
    if cancel:
        AlertDelivery.objects.filter(pk__in=cancel).update(status=AlertDelivery.Status.CANCELLED)


def _enqueue(sendable):
    from .tasks import deliver_alert, send_digest

    digest_users = set()
    for pk, via_digest, user_id in sendable:
        if via_digest:
            digest_users.add(user_id)
        else:
            safe_enqueue(deliver_alert, pk)
    for user_id in sorted(digest_users):
        safe_enqueue(send_digest, user_id)


def _claim(queryset, now):
    """Claim rows for sending with one conditional UPDATE; returns the claimed ids."""
    from .models import AlertDelivery

    with transaction.atomic():
        ids = list(queryset.sendable(now).select_for_update(skip_locked=True).values_list("pk", flat=True))
        if ids:
            AlertDelivery.objects.filter(pk__in=ids).update(
                status=AlertDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def _fail(ids, exc, now):
    from .models import AlertDelivery

    for row in AlertDelivery.objects.filter(pk__in=ids):
        row.status = AlertDelivery.Status.FAILED
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.save(update_fields=["status", "last_error", "next_attempt_at"])
    log.warning("Alert e-mail failed for deliveries %s: %s", ids, exc)


def do_send_delivery(delivery_id, now=None):
    """Send one alert e-mail. Returns None when done (or nothing to do), else seconds until a retry."""
    from . import emails
    from .models import AlertDelivery

    now = now or timezone.now()
    ids = _claim(AlertDelivery.objects.filter(pk=delivery_id, via_digest=False), now)
    if not ids:
        return None
    delivery = AlertDelivery.objects.select_related("stage", "recipient").get(pk=delivery_id)
    as_of = timezone.localdate(now)
    obligation = next((o for o in obligations_as_of(as_of) if o.key == delivery.obligation_key), None)
    if obligation is None or obligation.status in (Status.ON_TIME, Status.LATE):
        AlertDelivery.objects.filter(pk=delivery_id).update(status=AlertDelivery.Status.CANCELLED)
        return None
    pref = preference_for(delivery.recipient)
    context = {
        "user": delivery.recipient,
        "stage": delivery.stage,
        "as_of": as_of,
        "obligation": obligation_context(obligation, as_of, pref.language),
        "title": alert_title(obligation, delivery.stage, as_of, pref.language),
        "inbox_url": absolute_url(reverse("alerts_inbox")),
        "preferences_url": absolute_url(reverse("alerts_preferences")),
    }
    try:
        emails.send(
            "alert",
            [delivery.recipient.email],
            context,
            pref.language,
            headers={"X-WeGO-Alert": delivery.obligation_key},
        )
    except Exception as exc:  # SMTP and network errors: recorded and retried, never dropped
        _fail(ids, exc, now)
        return int(retry_delay(delivery.attempts).total_seconds())
    AlertDelivery.objects.filter(pk=delivery_id).update(status=AlertDelivery.Status.SENT, sent_at=timezone.now())
    return None


def do_send_digest(user_id, now=None):
    """Send one e-mail listing the user's waiting digest alerts. Same return as `do_send_delivery`."""
    from . import emails
    from .models import AlertDelivery

    now = now or timezone.now()
    ids = _claim(AlertDelivery.objects.filter(recipient_id=user_id, via_digest=True), now)
    if not ids:
        return None
    rows = list(AlertDelivery.objects.filter(pk__in=ids).select_related("stage", "recipient"))
    user = rows[0].recipient
    as_of = timezone.localdate(now)
    obligations = {o.key: o for o in obligations_as_of(as_of)}
    pref = preference_for(user)
    items, done = {}, []
    for row in rows:
        ob = obligations.get(row.obligation_key)
        if ob is None or ob.status in (Status.ON_TIME, Status.LATE) or (row.stage.kind != REMINDER and ob.reasons):
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
        emails.send("digest", [user.email], context, pref.language, headers={"X-WeGO-Digest": as_of.isoformat()})
    except Exception as exc:
        _fail(done, exc, now)
        return int(retry_delay(max(r.attempts for r in rows)).total_seconds())
    AlertDelivery.objects.filter(pk__in=done).update(status=AlertDelivery.Status.SENT, sent_at=timezone.now())
    return None


def unread_count(user):
    from .models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def do_mark_read(user, notification_ids=None):
    """Mark the user's notifications (all, or the given ids) read; returns how many changed."""
    from .models import Notification

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    with transaction.atomic():
        return qs.update(read_at=timezone.now())

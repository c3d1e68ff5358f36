"""Alert stage policy: which alerts are due on a day. Pure: plain facts in, plain data out.

It looks at **windows** (``stage date <= as_of``), never at "exactly N days before", so a
scan that did not run for a week still finds everything it missed; the unique
`AlertDelivery` row per (obligation, stage, recipient, occurrence) makes a second run
send nothing twice (the djangoproject.com renewal mail that matches one exact day is the
counter-example).

Policy, in one place:

* A fulfilled obligation gets no alert; unsent ones are cancelled at the next scan.
* A recorded delay reason stops escalations and digests (not reminders).
* A `no_record` obligation (the records do not cover the days it could have been
  fulfilled) gets no escalation or digest: we do not know it is late. The Digital Policy
  Officer is reminded instead that the records need bringing up to date
  (`records_reminders`).
* One-off stages are sent if their date is within the catch-up window
  (``WEGO_ALERT_CATCH_UP_DAYS``, default 30): a stage added after its date passed, or
  a scan missed for days, is sent once at the next scan; stages older than the window
  (e.g. from 2022, the first time the app is deployed on the real history) are left to
  the weekly digest instead of flooding inboxes.
* A repeating stage (the weekly digest) recurs on a fixed weekday
  (``WEGO_ALERT_DIGEST_WEEKDAY``, Monday) from its offset on; only the latest
  occurrence is due, so a long outage sends one digest, not one per missed week.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

RESPONSIBLE = "responsible"
# Stage kinds (the values of AlertStage.Kind, repeated here so this module stays pure).
REMINDER, ESCALATION, DIGEST = "reminder", "escalation", "digest"


@dataclass(frozen=True)
class StageDef:
    id: int
    code: str
    kind: str
    offset_days: int
    audiences: frozenset  # of RESPONSIBLE and role names
    repeat_every_days: int | None = None


@dataclass(frozen=True)
class ObligationFacts:
    key: str
    duty: str
    due: datetime.date
    responsible_role: str
    fulfilled_on: datetime.date | None = None
    has_reason: bool = False
    no_record: bool = False
    # For no_record: which stream of records stops, and the first day it does not cover.
    stream: str = ""
    records_gap: datetime.date | None = None
    # A due date first announced earlier than today's `due` (it moved later since):
    # reminders aim at it; escalations still wait for the real due date.
    announced_due: datetime.date | None = None


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
            if stage.kind != REMINDER and (ob.has_reason or ob.no_record):
                continue
            aim = ob.due
            if stage.kind == REMINDER and ob.announced_due is not None and ob.announced_due < ob.due:
                aim = ob.announced_due
            when = stage_date(stage, aim, as_of, digest_weekday)
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


def should_cancel(stage_kind: str, fulfilled: bool, has_reason: bool, no_record: bool = False) -> bool:
    """An unsent alert is dropped once its duty is fulfilled, or (except reminders) once a
    delay reason is recorded or the records turn out not to cover it."""
    return fulfilled or (stage_kind != REMINDER and (has_reason or no_record))


def records_reminders(obligations) -> dict[tuple[str, datetime.date], list[str]]:
    """(stream, first day its records do not cover) -> keys of the `no_record` obligations.

    One reminder per stream and gap for the Digital Policy Officer, whatever the number of
    duties; the gap is the earliest one among them (where the records stop).
    """
    by_stream: dict[str, list] = {}
    for ob in obligations:
        if ob.no_record and ob.records_gap is not None:
            by_stream.setdefault(ob.stream, []).append(ob)
    return {
        (stream, min(ob.records_gap for ob in obs)): sorted(ob.key for ob in obs) for stream, obs in by_stream.items()
    }

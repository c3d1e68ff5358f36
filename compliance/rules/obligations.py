"""Obligations: duty rules applied to what happened, with a status as of a date.

Pure: `generate()` takes rules, provisions, events and a calendar as plain records and
returns `Obligation`s; nothing here knows Django, settings or the clock.
`compliance.register` loads the records from the database and is the one way the rest
of the app reads obligations.

An obligation is identified by a stable key: ``<duty>-<fiscal year>`` for duties tied
to a fiscal year, ``<duty>-<fiscal year>-d<document id>`` for duties triggered by a
received document.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import deadlines, law
from .calendar import HolidayCalendar, Step
from .coverage import Coverage, stream_for
from .deadlines import Deadline


class Status:
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"
    # Not fulfilled as far as the records go, but they do not cover every day on which it
    # could have been: we do not know, so we never call it overdue (DOMAIN.md "Coverage").
    NO_RECORD = "no_record"

    ALL = (OVERDUE, NO_RECORD, DUE_SOON, UPCOMING, LATE, ON_TIME)
    FULFILLED = (ON_TIME, LATE)
    # For "without delay" duties past their grace (labels in `compliance.labels`): they
    # say what happened, never "violated" (the grace is an internal target, not the law).
    NOT_YET_PAST_GRACE = "not_yet_past_grace"  # not yet done, past the grace: reason required
    DONE_AFTER_GRACE = "done_after_grace"  # done after the grace: reason required
    DELAYED_REASON_RECORDED = "delayed_reason_recorded"  # past the grace, reason recorded
    # The badges a reader sees (`Obligation.status_key`), in dashboard order: what needs
    # action first. A status card counts exactly the rows that carry its badge.
    BADGES = (
        OVERDUE,
        NOT_YET_PAST_GRACE,
        NO_RECORD,
        DUE_SOON,
        UPCOMING,
        DONE_AFTER_GRACE,
        DELAYED_REASON_RECORDED,
        LATE,
        ON_TIME,
    )
    ORDER = {OVERDUE: 0, NO_RECORD: 1, DUE_SOON: 2, UPCOMING: 3, LATE: 4, ON_TIME: 5}
    BADGE_ORDER = {badge: i for i, badge in enumerate(BADGES)}


def status_as_of(
    due: datetime.date,
    fulfilled_on: datetime.date | None,
    as_of: datetime.date,
    due_soon_days: int,
    recorded: bool = True,
) -> str:
    """The status vocabulary of DOMAIN.md; a fulfilment after `as_of` has not happened yet.

    `recorded` says whether the records of the duty's stream cover every day on which it
    could have been fulfilled, up to `as_of`; if not, an unfulfilled duty is `no_record`.
    """
    if fulfilled_on is not None and fulfilled_on <= as_of:
        return Status.ON_TIME if fulfilled_on <= due else Status.LATE
    if not recorded:
        return Status.NO_RECORD
    if as_of > due:
        return Status.OVERDUE
    if (due - as_of).days <= due_soon_days:
        return Status.DUE_SOON
    return Status.UPCOMING


# --- Plain records the engine works on ----------------------------------------------


@dataclass(frozen=True)
class RuleRec:
    """One duty rule as plain data; `row` is the record it was made from (for pages only)."""

    id: int
    code: str
    anchor: str
    direction: str = "forward"
    offset_months: int = 0
    anchor_month: int | None = None
    anchor_year_offset: int = 0
    holiday_rule: str = ""
    grace_business_days: int = 10
    # Duties anchored on a forwarding: next_session, fixed_date (report_month/day) or
    # business_days.
    report_timing: str = "next_session"
    report_month: int | None = None
    report_day: int | None = None
    document_kinds: tuple[str, ...] = ()
    provision_ids: frozenset[int] = frozenset()
    ordering: int = 0
    actor_kind: str = ""
    name_ko: str = ""
    name_en: str = ""
    row: Any = None

    EVENT_ANCHORS = frozenset({"receipt", "forwarding"})

    @property
    def is_event_driven(self) -> bool:
        return self.anchor in self.EVENT_ANCHORS


@dataclass(frozen=True)
class DocRec:
    id: int
    kind: str
    fiscal_year: int
    title: str
    received_on: datetime.date
    supersedes_id: int | None = None
    submission_id: int | None = None


@dataclass(frozen=True)
class ForwardRec:
    id: int
    forwarded_on: datetime.date
    document_number: str
    doc_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReportRec:
    id: int
    reported_on: datetime.date
    doc_ids: tuple[int, ...]
    label: str = ""


@dataclass
class History:
    """Everything the engine needs, loaded once."""

    rules: list[RuleRec]
    provisions: list[law.ProvisionRec]
    documents: list[DocRec]
    forwardings: list[ForwardRec]
    reports: list[ReportRec]
    sessions: list[tuple[datetime.date, datetime.date, Step]]  # (starts, ends, deadlines.session_label)
    reasons: dict[str, list]
    calendar: HolidayCalendar
    tracking_start: datetime.date
    # What the records cover; None means the caller vouches that every stream is complete
    # (pure tests). The register always passes the coverage on record, even if empty.
    coverage: Coverage | None = None

    def documents_by_id(self):
        return {d.id: d for d in self.documents}


@dataclass
class Obligation:
    key: str
    spec: RuleRec
    fiscal_year: int
    deadline: Deadline
    status: str
    trigger_date: datetime.date | None = None
    document: DocRec | None = None
    fulfilled_on: datetime.date | None = None
    fulfilled_by: str = ""
    provisions: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    as_of: datetime.date | None = None
    what_if: bool = False
    # For `no_record`: the first day the records of the duty's stream do not cover.
    records_gap: datetime.date | None = None
    # "Without delay" duties past their grace: business days from the trigger (receipt or
    # forwarding) to the fulfilment, or to "as of" while still open. Never mixed with the
    # calendar-day lateness of a statutory deadline.
    delay_business_days: int | None = None

    @property
    def stream(self) -> str:
        return stream_for(self.spec.anchor)

    @property
    def rule(self):
        """The duty rule's record, for display (name, actor, recipient)."""
        return self.spec.row if self.spec.row is not None else self.spec

    @property
    def duty(self):
        return self.spec.code

    @property
    def due_date(self):
        return self.deadline.due

    @property
    def days_late(self) -> int | None:
        """Calendar days between the due date and a late fulfilment; None unless `late`."""
        if self.status == Status.LATE:
            return (self.fulfilled_on - self.due_date).days
        return None

    @property
    def days_overdue(self) -> int | None:
        """Calendar days past due so far; None unless `overdue`."""
        if self.status == Status.OVERDUE:
            return (self.as_of - self.due_date).days
        return None

    @property
    def is_grace_duty(self):
        """'Without delay' duties: past the grace they are delayed, never a violation."""
        return self.spec.is_event_driven

    @property
    def needs_reason(self):
        return self.is_grace_duty and self.status in (Status.OVERDUE, Status.LATE) and not self.reasons

    @property
    def is_fulfilled(self):
        return self.status in Status.FULFILLED

    @property
    def status_key(self) -> str:
        """The status, refined for "without delay" duties past their grace (never a violation)."""
        if self.is_grace_duty and self.status in (Status.OVERDUE, Status.LATE):
            if self.reasons:
                return Status.DELAYED_REASON_RECORDED
            return Status.NOT_YET_PAST_GRACE if self.status == Status.OVERDUE else Status.DONE_AFTER_GRACE
        return self.status

    @property
    def document_kind(self) -> str | None:
        if self.document is not None:
            return self.document.kind
        kinds = list(self.spec.document_kinds)
        return kinds[0] if len(kinds) == 1 else None

    def as_json(self) -> dict:
        """The command-line contract of DOMAIN.md."""
        return {
            "duty": self.duty,
            "fiscal_year": self.fiscal_year,
            "due_date": self.due_date.isoformat(),
            "status": self.status,
            "fulfilled_on": self.fulfilled_on.isoformat() if self.fulfilled_on else None,
            "days_late": self.days_late,
            "trigger_date": self.trigger_date.isoformat() if self.trigger_date else None,
            "document": self.document_kind,
            "days_overdue": self.days_overdue,
            "what_if": self.what_if,
        }


# --- Generation ---------------------------------------------------------------------


def rule_in_force(rule: RuleRec, day, provisions, what_if=False, what_if_from=None):
    """A rule applies on `day` when one of its provision versions is in force then."""
    own = [p for p in provisions if p.id in rule.provision_ids]
    return law.in_force(provisions, day, what_if, what_if_from, among=own)


def window_start(rule: RuleRec, fiscal_year: int, trigger: datetime.date | None) -> datetime.date:
    """The first day on which a duty could have been fulfilled.

    A duty triggered by an event (a receipt, a forwarding) cannot be fulfilled before it.
    For the fiscal-year duties we assume what the seed shows: a plan for fiscal year Y is
    written and sent during Y-1, results and a settlement of Y from Y on. Days before
    that are not asked about, so a gap in the records before them is not a reason to say
    "no record".
    """
    if trigger is not None:
        return trigger
    if rule.anchor == "fiscal_year_start":
        return datetime.date(fiscal_year - 1, 1, 1)
    return datetime.date(fiscal_year, 1, 1)


def _successors(documents):
    """doc id -> the ids of the document and every later version that supersedes it."""
    children = defaultdict(list)
    for doc in documents:
        if doc.supersedes_id:
            children[doc.supersedes_id].append(doc.id)
    result = {}
    for doc in documents:
        seen, stack = {doc.id}, [doc.id]
        while stack:
            for child in children[stack.pop()]:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        result[doc.id] = seen
    return result


class EventIndex:
    """Events (forwardings or committee reports) by the documents they name.

    `first(doc_ids, not_before)` finds what scanning `events` in their order for the
    first one that names any of `doc_ids` on or after `not_before` would find, at the cost
    of the lineage's size instead of the number of events.
    """

    def __init__(self, events):
        """`events`: (day, event) pairs in the order a scan would visit them; `event.doc_ids`."""
        self._rows = defaultdict(list)
        for position, (day, event) in enumerate(events):
            for doc_id in set(event.doc_ids):
                self._rows[doc_id].append((day, position, event))
        for rows in self._rows.values():
            rows.sort(key=lambda r: (r[0], r[1]))
        self._days = {doc_id: [r[0] for r in rows] for doc_id, rows in self._rows.items()}

    def first(self, doc_ids, not_before):
        """(day, event) of the earliest event on or after `not_before` naming one of `doc_ids`."""
        best = None
        for doc_id in doc_ids:
            days = self._days.get(doc_id)
            if not days:
                continue
            i = bisect.bisect_left(days, not_before)
            if i < len(days):
                row = self._rows[doc_id][i]
                if best is None or (row[0], row[1]) < (best[0], best[1]):
                    best = row
        return (best[0], best[2]) if best else (None, None)


def _first_event(events, doc_ids, not_before):
    """The earliest (date, event) whose documents include any of `doc_ids` (a scan; the
    engine uses `EventIndex`, which tests compare with this)."""
    for day, event in events:
        if day >= not_before and doc_ids.intersection(event.doc_ids):
            return day, event
    return None, None


def _first_documents(docs):
    """(fiscal year, kind) -> the first document received, `docs` being in receipt order."""
    first = {}
    for doc in docs:
        first.setdefault((doc.fiscal_year, doc.kind), doc)
    return first


def generate(
    history: History,
    as_of: datetime.date,
    due_soon_days: int = 30,
    horizon_days: int = 366,
    what_if: bool = False,
    what_if_from: datetime.date | None = None,
) -> list[Obligation]:
    """All obligations that arise from the rules and the events known on `as_of`.

    Events dated after `as_of` are ignored, so the result is what one would have seen on
    that day. Obligations due before the tracking start are not generated.
    """
    provisions = history.provisions
    if what_if and what_if_from is None:
        # The caller says from which day the bill is assumed in force (default: today, at
        # the edge); the engine has no clock to guess it.
        raise ValueError("what_if needs what_if_from")
    cal = history.calendar
    docs = sorted((d for d in history.documents if d.received_on <= as_of), key=lambda d: (d.received_on, d.id))
    successors = _successors(docs)
    forwardings = [
        (f.forwarded_on, f)
        for f in sorted(history.forwardings, key=lambda f: (f.forwarded_on, f.id))
        if f.forwarded_on <= as_of
    ]
    reports = [(r.reported_on, r) for r in sorted(history.reports, key=lambda r: (r.reported_on, r.id))]
    reports = [(day, r) for day, r in reports if day <= as_of]
    forwarded, reported = EventIndex(forwardings), EventIndex(reports)
    first_of = _first_documents(docs)
    horizon = as_of + datetime.timedelta(days=horizon_days)
    result = []

    def make(key, rule, fy, deadline, in_force, trigger=None, document=None, fulfilled_on=None, fulfilled_by=""):
        gap = None
        if history.coverage is not None and (fulfilled_on is None or fulfilled_on > as_of):
            first = window_start(rule, fy, trigger)
            gap = history.coverage.first_gap(stream_for(rule.anchor), first, as_of)
        status = status_as_of(deadline.due, fulfilled_on, as_of, due_soon_days, recorded=gap is None)
        delay = None
        if rule.is_event_driven and trigger is not None and status in (Status.OVERDUE, Status.LATE):
            done = fulfilled_on if status == Status.LATE else as_of
            delay = cal.business_days_between(trigger, done)
        result.append(
            Obligation(
                key=key,
                spec=rule,
                fiscal_year=fy,
                deadline=deadline,
                status=status,
                delay_business_days=delay,
                what_if=what_if,
                records_gap=gap,
                trigger_date=trigger,
                document=document,
                fulfilled_on=fulfilled_on,
                fulfilled_by=fulfilled_by,
                provisions=[p.row if p.row is not None else p for p in in_force],
                reasons=history.reasons.get(key, []),
                as_of=as_of,
            )
        )

    for rule in history.rules:
        kinds = set(rule.document_kinds)
        if rule.anchor in ("fiscal_year_start", "month_end"):
            for fy in range(history.tracking_start.year - 2, as_of.year + 3):
                if rule.anchor == "fiscal_year_start":
                    deadline = deadlines.months_before_fiscal_year(fy, -rule.offset_months, cal)
                else:
                    deadline = deadlines.end_of_month_after_fiscal_year(
                        fy, rule.anchor_month, rule.anchor_year_offset, cal, holiday_rule=rule.holiday_rule
                    )
                if deadline.due < history.tracking_start or deadline.due > horizon:
                    continue
                in_force = rule_in_force(rule, deadline.due, provisions, what_if, what_if_from)
                if not in_force:
                    continue
                found = [first_of[(fy, kind)] for kind in kinds if (fy, kind) in first_of]
                first = min(found, key=lambda d: (d.received_on, d.id)) if found else None
                make(
                    f"{rule.code}-{fy}",
                    rule,
                    fy,
                    deadline,
                    in_force,
                    document=first,
                    fulfilled_on=first.received_on if first else None,
                    fulfilled_by=first.title if first else "",
                )
        elif rule.anchor == "receipt":
            label = Step("접수일", "Received")
            for doc in docs:
                if doc.kind not in kinds:
                    continue
                in_force = rule_in_force(rule, doc.received_on, provisions, what_if, what_if_from)
                if not in_force:
                    continue
                deadline = deadlines.without_delay(doc.received_on, rule.grace_business_days, cal, label)
                if deadline.due < history.tracking_start:
                    continue
                day, event = forwarded.first(successors[doc.id], doc.received_on)
                make(
                    f"{rule.code}-{doc.fiscal_year}-d{doc.id}",
                    rule,
                    doc.fiscal_year,
                    deadline,
                    in_force,
                    trigger=doc.received_on,
                    document=doc,
                    fulfilled_on=day,
                    fulfilled_by=event.document_number if event else "",
                )
        elif rule.anchor == "forwarding":
            label = Step("시의회 제출일", "Forwarded to the Council")
            for doc in docs:
                if doc.kind not in kinds:
                    continue
                forwarded_on, forwarding = forwarded.first(successors[doc.id], doc.received_on)
                if forwarded_on is None:
                    continue
                if doc.id not in forwarding.doc_ids:
                    # Forwarded by way of a newer version: that version's report is the one
                    # report of the lineage (a revision in place of its draft is one report).
                    continue
                in_force = rule_in_force(rule, forwarded_on, provisions, what_if, what_if_from)
                if in_force and all(p.duties_arise_on == "receipt" for p in in_force):
                    # One moment decides whether a document's duties exist: by default its
                    # receipt, so the report follows the same text as the forwarding.
                    in_force = rule_in_force(rule, doc.received_on, provisions, what_if, what_if_from)
                if not in_force:
                    continue
                if rule.report_timing == "fixed_date":
                    deadline = deadlines.fixed_yearly_date(forwarded_on, rule.report_month, rule.report_day, cal, label)
                elif rule.report_timing == "business_days":
                    deadline = deadlines.without_delay(forwarded_on, rule.grace_business_days, cal, label)
                else:
                    deadline = deadlines.next_session_or_grace(
                        forwarded_on, history.sessions, rule.grace_business_days, cal, label
                    )
                if deadline.due < history.tracking_start:
                    continue
                day, event = reported.first(successors[doc.id], forwarded_on)
                make(
                    f"{rule.code}-{doc.fiscal_year}-d{doc.id}",
                    rule,
                    doc.fiscal_year,
                    deadline,
                    in_force,
                    trigger=forwarded_on,
                    document=doc,
                    fulfilled_on=day,
                    fulfilled_by=event.label if event else "",
                )
    result.sort(key=lambda o: (o.due_date, o.spec.ordering, o.fiscal_year, o.key))
    return result


def dashboard_order(obligations):
    """By badge (what needs action first: overdue, past the grace, no record, due soon ...),
    then by due date (oldest first)."""
    return sorted(obligations, key=lambda o: (Status.BADGE_ORDER[o.status_key], o.due_date, o.key))


# --- The trail of one obligation's documents ------------------------------------------


def _trail_indexes(history, as_of):
    """Forwardings and reports by lineage, and the lineages, as of a day (kept on `history`)."""
    memo = history.__dict__.setdefault("_trail_indexes", {})
    found = memo.get(as_of)
    if found is None:
        forwardings = sorted((f for f in history.forwardings if f.forwarded_on <= as_of), key=lambda f: f.forwarded_on)
        reports = sorted((r for r in history.reports if r.reported_on <= as_of), key=lambda r: r.reported_on)
        found = (
            EventIndex((f.forwarded_on, f) for f in forwardings),
            EventIndex((r.reported_on, r) for r in reports),
            _successors([d for d in history.documents if d.received_on <= as_of]),
        )
        if len(memo) >= 16:
            memo.clear()
        memo[as_of] = found
    return found


def trail_documents(obligation, history, as_of):
    """The received documents an obligation's trail shows, in receipt order."""
    if obligation.document is not None and obligation.spec.is_event_driven:
        docs = [obligation.document]
    else:
        kinds = set(obligation.spec.document_kinds)
        docs = [
            d
            for d in history.documents
            if d.fiscal_year == obligation.fiscal_year and d.kind in kinds and d.received_on <= as_of
        ]
    docs.sort(key=lambda d: (d.received_on, d.id))
    return docs


def trail_row(doc, history, as_of):
    """One document of a trail: when it was forwarded and reported, and the delays."""
    cal = history.calendar
    forwarded, reported, lineage = _trail_indexes(history, as_of)
    ids = lineage[doc.id]
    fwd = forwarded.first(ids, doc.received_on)[1]
    rep = None
    if fwd:
        rep = reported.first(ids, fwd.forwarded_on)[1]
    return {
        "doc": doc,
        "forwarding": fwd,
        "forwarded_via_newer": fwd is not None and doc.id not in fwd.doc_ids,
        "to_council_business_days": cal.business_days_between(doc.received_on, fwd.forwarded_on) if fwd else None,
        "waiting_business_days": None if fwd else cal.business_days_between(doc.received_on, as_of),
        "report": rep,
        "to_committee_business_days": cal.business_days_between(fwd.forwarded_on, rep.reported_on) if rep else None,
    }


def document_trail(obligation, history, as_of):
    """Each relevant received document and the delay at each hop: WeGO → Mayor → Council
    → committee. Delays to the Council and committee are in business days."""
    return [trail_row(doc, history, as_of) for doc in trail_documents(obligation, history, as_of)]

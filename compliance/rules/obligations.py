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
from .deadlines import Deadline


class Status:
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"

    ALL = (OVERDUE, DUE_SOON, UPCOMING, LATE, ON_TIME)
    FULFILLED = (ON_TIME, LATE)
    # For "without delay" duties past their grace (labels in `compliance.labels`).
    DELAYED_REASON_REQUIRED = "delayed_reason_required"
    DELAYED_REASON_RECORDED = "delayed_reason_recorded"
    # Dashboard order: what needs action first.
    ORDER = {OVERDUE: 0, DUE_SOON: 1, UPCOMING: 2, LATE: 3, ON_TIME: 4}


def status_as_of(
    due: datetime.date, fulfilled_on: datetime.date | None, as_of: datetime.date, due_soon_days: int
) -> str:
    """The status vocabulary of DOMAIN.md; a fulfilment after `as_of` has not happened yet."""
    if fulfilled_on is not None and fulfilled_on <= as_of:
        return Status.ON_TIME if fulfilled_on <= due else Status.LATE
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
    sessions: list[tuple[datetime.date, datetime.date, str]]
    reasons: dict[str, list]
    calendar: HolidayCalendar
    tracking_start: datetime.date

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
        """Calendar days past due: when fulfilled late, or so far when still overdue."""
        if self.status == Status.LATE:
            return (self.fulfilled_on - self.due_date).days
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
            return Status.DELAYED_REASON_RECORDED if self.reasons else Status.DELAYED_REASON_REQUIRED
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
        }


# --- Generation ---------------------------------------------------------------------


def rule_in_force(rule: RuleRec, day, provisions, what_if=False, what_if_from=None):
    """A rule applies on `day` when one of its provision versions is in force then."""
    own = [p for p in provisions if p.id in rule.provision_ids]
    return law.in_force(provisions, day, what_if, what_if_from, among=own)


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
    what_if_from = what_if_from or history.tracking_start
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
        result.append(
            Obligation(
                key=key,
                spec=rule,
                fiscal_year=fy,
                deadline=deadline,
                status=status_as_of(deadline.due, fulfilled_on, as_of, due_soon_days),
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
                        fy, rule.anchor_month, rule.anchor_year_offset, cal
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
                forwarded_on, _event = forwarded.first(successors[doc.id], doc.received_on)
                if forwarded_on is None:
                    continue
                in_force = rule_in_force(rule, forwarded_on, provisions, what_if, what_if_from)
                if not in_force:
                    continue
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
    """Overdue first (oldest first), then due soon (soonest first), then the rest."""
    return sorted(obligations, key=lambda o: (Status.ORDER[o.status], o.due_date, o.key))


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

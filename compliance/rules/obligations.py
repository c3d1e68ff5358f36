"""Obligations: duty rules applied to what happened, with a status as of a date.

Pure: `derive()` and `generate()` take rules, provisions, events and a calendar as plain
records (`compliance.rules.history`); nothing here knows Django, settings or the clock.

- `derive()` gives the facts of every obligation the events give rise to (dates, the
  fulfilling event), whatever day one asks about: what `compliance.register` stores.
- `generate()` gives the obligations known on one day with their status: the what-if
  view, and the full recomputation the stored register is checked against.

An obligation is identified by a stable key: ``<duty>-<fiscal year>`` for duties tied
to a fiscal year, ``<duty>-<fiscal year>-d<document id>`` for duties triggered by a
received document.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .coverage import stream_for
from .deadlines import Deadline
from .facts import (  # noqa: F401 - re-exported
    FISCAL_YEAR_ANCHORS,
    Facts,
    candidates,
    derive,
    explain,
    report_deadline,
    rule_in_force,
    window_start,
)
from .history import (  # noqa: F401 - re-exported: the records are part of this module's interface
    DocRec,
    EventIndex,
    ForwardRec,
    History,
    ReportRec,
    RuleRec,
    _first_documents,
    _first_event,
    _successors,
)
from .status import Status, judge, records_end_of, status_as_of  # noqa: F401 - re-exported
from .trail import document_trail, trail_documents, trail_row  # noqa: F401 - re-exported


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
    # Open duties: the last day the stream's records cover before the first day the claim
    # needs that they do not (None when they cover every such day, live coverage too).
    records_end: datetime.date | None = None
    # Overdue on the last covered day, nothing recorded since: by how many days then.
    days_overdue_at_records_end: int | None = None
    # An agreed extension: its date and basis (the statutory due date never changes).
    extended_due_date: datetime.date | None = None
    extension_basis: str = ""
    within_extension: bool = False

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
    def target_date(self):
        """The date the status is judged against: the extension when one is agreed."""
        if self.extended_due_date and self.extended_due_date > self.due_date:
            return self.extended_due_date
        return self.due_date

    @property
    def days_late(self) -> int | None:
        """Calendar days between the date judged against and a late fulfilment; None unless `late`."""
        if self.status == Status.LATE:
            return (self.fulfilled_on - self.target_date).days
        return None

    @property
    def days_overdue(self) -> int | None:
        """Calendar days past due that the records prove: so far, or on the last covered
        day when the records end before "as of"; None unless `overdue`."""
        if self.status != Status.OVERDUE:
            return None
        if self.days_overdue_at_records_end is not None:
            return self.days_overdue_at_records_end
        return (self.as_of - self.target_date).days

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
        return badge(
            self.status, self.is_grace_duty, bool(self.reasons), self.records_end_overdue, self.within_extension
        )

    @property
    def records_end_overdue(self) -> bool:
        return self.status == Status.OVERDUE and self.days_overdue_at_records_end is not None

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
            "records_end": self.records_end.isoformat() if self.records_end else None,
            "days_overdue_at_records_end": self.days_overdue_at_records_end,
            "extended_due_date": self.extended_due_date.isoformat() if self.extended_due_date else None,
            "extension_basis": self.extension_basis or None,
        }


def badge(status, is_grace_duty, has_reason, records_end_overdue=False, within_extension=False) -> str:
    """The badge a reader sees: the status, refined for "without delay" duties past their
    grace (never a violation), for lateness the records prove only up to their end, and
    for a statutory date passed within an agreed extension."""
    if is_grace_duty and status in (Status.OVERDUE, Status.LATE):
        if has_reason:
            return Status.DELAYED_REASON_RECORDED
        if records_end_overdue:
            return Status.PAST_GRACE_AT_RECORDS_END
        return Status.NOT_YET_PAST_GRACE if status == Status.OVERDUE else Status.DONE_AFTER_GRACE
    if records_end_overdue:
        return Status.OVERDUE_AT_RECORDS_END
    if within_extension:
        return Status.WITHIN_EXTENSION
    return status


def obligation_of(facts: Facts, history: History, as_of, due_soon_days, what_if=False) -> Obligation:
    """The obligation `facts` describe, judged as of `as_of` (events after it not yet happened)."""
    rule = facts.rule
    fulfilled_on = facts.fulfilled_on if facts.fulfilled_on and facts.fulfilled_on <= as_of else None
    spans = history.coverage.spans(stream_for(rule.anchor), as_of) if history.coverage is not None else None
    extended_to, basis, agreed_on = history.extensions.get(facts.key, (None, "", None))
    if agreed_on is not None and agreed_on > as_of:  # not yet agreed on that day
        extended_to, basis = None, ""
    verdict = judge(facts.deadline.due, fulfilled_on, as_of, due_soon_days, facts.window_start, spans, extended_to)
    status = verdict.status
    delay = None
    if rule.is_event_driven and facts.trigger is not None and status in (Status.OVERDUE, Status.LATE):
        done = fulfilled_on if status == Status.LATE else (verdict.records_end or as_of)
        delay = history.calendar.business_days_between(facts.trigger, done)
    open_duty = status not in Status.FULFILLED
    return Obligation(
        key=facts.key,
        spec=rule,
        fiscal_year=facts.fiscal_year,
        deadline=facts.deadline,
        status=status,
        delay_business_days=delay,
        what_if=what_if,
        # Where the records stop, when the claim depends on it (no record, or lateness
        # proven only up to the records' end): the officer is asked to bring them up to date.
        records_gap=verdict.records_gap if status == Status.NO_RECORD or verdict.records_end else None,
        records_end=records_end_of(spans, facts.window_start, as_of) if open_duty else None,
        days_overdue_at_records_end=verdict.days_overdue_at_records_end,
        extended_due_date=extended_to,
        extension_basis=basis,
        within_extension=verdict.within_extension,
        trigger_date=facts.trigger,
        # A fiscal-year duty's document is the one that fulfils it: none yet on `as_of`.
        document=facts.document if (rule.is_event_driven or fulfilled_on) else None,
        fulfilled_on=fulfilled_on,
        fulfilled_by=facts.fulfilled_by if fulfilled_on else "",
        provisions=[p.row if p.row is not None else p for p in facts.in_force],
        reasons=history.reasons.get(facts.key, []),
        as_of=as_of,
    )


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
    if what_if and what_if_from is None:
        # The caller says from which day the bill is assumed in force (default: today, at
        # the edge); the engine has no clock to guess it.
        raise ValueError("what_if needs what_if_from")
    horizon = as_of + datetime.timedelta(days=horizon_days)
    result = [
        obligation_of(facts, history, as_of, due_soon_days, what_if)
        for facts in candidates(history, as_of, as_of.year + 2, horizon, what_if, what_if_from)
    ]
    result.sort(key=lambda o: (o.due_date, o.spec.ordering, o.fiscal_year, o.key))
    return result


def dashboard_order(obligations):
    """By badge (what needs action first: overdue, past the grace, no record, due soon ...),
    then by due date (oldest first)."""
    return sorted(obligations, key=lambda o: (Status.BADGE_ORDER[o.status_key], o.due_date, o.key))

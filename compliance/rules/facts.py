"""What the rules derive from the events for each obligation, whatever day one asks:
the dates, the provisions in force and the fulfilling event (`Facts`). Pure.

`derive()` is what `compliance.register` stores; `candidates()` is shared with
`compliance.rules.obligations.generate()`, which judges the same facts as of one day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import deadlines, law
from .calendar import Step
from .deadlines import Deadline
from .history import DocRec, EventIndex, History, RuleRec, _first_documents, _successors


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


@dataclass(frozen=True)
class Facts:
    """What the rules derive for one obligation, whatever day one asks about."""

    key: str
    rule: RuleRec
    fiscal_year: int
    deadline: Deadline
    in_force: tuple
    trigger: datetime.date | None = None
    document: DocRec | None = None
    fulfilled_on: datetime.date | None = None
    fulfilled_by: str = ""
    fulfilled_kind: str = ""  # "receipt", "forwarding" or "report"
    fulfilled_id: int | None = None

    @property
    def window_start(self) -> datetime.date:
        return window_start(self.rule, self.fiscal_year, self.trigger)


FISCAL_YEAR_ANCHORS = ("fiscal_year_start", "month_end")


def candidates(
    history: History,
    events_through: datetime.date,
    last_fiscal_year: int,
    horizon_end: datetime.date | None = None,
    what_if: bool = False,
    what_if_from: datetime.date | None = None,
    explain: bool = True,
    fiscal_years=None,
    event_documents=None,
):
    """The `Facts` of every obligation that the rules and the events up to
    `events_through` give rise to, for the fiscal years through `last_fiscal_year`
    (fiscal-year duties due after `horizon_end` left out).

    `fiscal_years` limits the fiscal-year duties to those years, `event_documents` the
    duties triggered by an event to those documents' (None: all). `history` may hold only
    the events of that scope plus the first document of each (fiscal year, kind).
    """
    provisions = history.provisions
    cal = history.calendar
    docs = sorted(
        (d for d in history.documents if d.received_on <= events_through), key=lambda d: (d.received_on, d.id)
    )
    successors = _successors(docs)
    forwardings = [
        (f.forwarded_on, f)
        for f in sorted(history.forwardings, key=lambda f: (f.forwarded_on, f.id))
        if f.forwarded_on <= events_through
    ]
    reports = [(r.reported_on, r) for r in sorted(history.reports, key=lambda r: (r.reported_on, r.id))]
    reports = [(day, r) for day, r in reports if day <= events_through]
    forwarded, reported = EventIndex(forwardings), EventIndex(reports)
    first_of = _first_documents(docs)
    event_docs = docs if event_documents is None else [d for d in docs if d.id in event_documents]
    for rule in history.rules:
        kinds = set(rule.document_kinds)
        if rule.anchor in FISCAL_YEAR_ANCHORS:
            for fy in range(history.tracking_start.year - 2, last_fiscal_year + 1):
                if fiscal_years is not None and fy not in fiscal_years:
                    continue
                if rule.anchor == "fiscal_year_start":
                    deadline = deadlines.months_before_fiscal_year(fy, -rule.offset_months, cal)
                else:
                    deadline = deadlines.end_of_month_after_fiscal_year(
                        fy, rule.anchor_month, rule.anchor_year_offset, cal, holiday_rule=rule.holiday_rule
                    )
                if deadline.due < history.tracking_start or (horizon_end and deadline.due > horizon_end):
                    continue
                in_force = rule_in_force(rule, deadline.due, provisions, what_if, what_if_from)
                if not in_force:
                    continue
                found = [first_of[(fy, kind)] for kind in kinds if (fy, kind) in first_of]
                first = min(found, key=lambda d: (d.received_on, d.id)) if found else None
                yield Facts(
                    f"{rule.code}-{fy}",
                    rule,
                    fy,
                    deadline,
                    tuple(in_force),
                    document=first,
                    fulfilled_on=first.received_on if first else None,
                    fulfilled_by=first.title if first else "",
                    fulfilled_kind="receipt" if first else "",
                    fulfilled_id=first.id if first else None,
                )
        elif rule.anchor == "receipt":
            label = Step("접수일", "Received")
            for doc in event_docs:
                if doc.kind not in kinds:
                    continue
                in_force = rule_in_force(rule, doc.received_on, provisions, what_if, what_if_from)
                if not in_force:
                    continue
                deadline = deadlines.without_delay(doc.received_on, rule.grace_business_days, cal, label, explain)
                if deadline.due < history.tracking_start:
                    continue
                day, event = forwarded.first(successors[doc.id], doc.received_on)
                yield Facts(
                    f"{rule.code}-{doc.fiscal_year}-d{doc.id}",
                    rule,
                    doc.fiscal_year,
                    deadline,
                    tuple(in_force),
                    trigger=doc.received_on,
                    document=doc,
                    fulfilled_on=day,
                    fulfilled_by=event.document_number if event else "",
                    fulfilled_kind="forwarding" if event else "",
                    fulfilled_id=event.id if event else None,
                )
        elif rule.anchor == "forwarding":
            label = Step("시의회 제출일", "Forwarded to the Council")
            for doc in event_docs:
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
                deadline = report_deadline(rule, forwarded_on, history, label, explain)
                if deadline.due < history.tracking_start:
                    continue
                day, event = reported.first(successors[doc.id], forwarded_on)
                yield Facts(
                    f"{rule.code}-{doc.fiscal_year}-d{doc.id}",
                    rule,
                    doc.fiscal_year,
                    deadline,
                    tuple(in_force),
                    trigger=forwarded_on,
                    document=doc,
                    fulfilled_on=day,
                    fulfilled_by=event.label if event else "",
                    fulfilled_kind="report" if event else "",
                    fulfilled_id=event.id if event else None,
                )


def report_deadline(rule: RuleRec, forwarded_on, history: History, label: Step, explain: bool = True) -> Deadline:
    cal = history.calendar
    if rule.report_timing == "fixed_date":
        return deadlines.fixed_yearly_date(forwarded_on, rule.report_month, rule.report_day, cal, label)
    if rule.report_timing == "business_days":
        return deadlines.without_delay(forwarded_on, rule.grace_business_days, cal, label, explain)
    return deadlines.next_session_or_grace(
        forwarded_on, history.sessions, rule.grace_business_days, cal, label, explain
    )


def explain(rule: RuleRec, fiscal_year: int, trigger: datetime.date | None, history: History) -> Deadline:
    """The deadline of one obligation with its derivation (for the obligations shown)."""
    cal = history.calendar
    if rule.anchor == "fiscal_year_start":
        return deadlines.months_before_fiscal_year(fiscal_year, -rule.offset_months, cal)
    if rule.anchor == "month_end":
        return deadlines.end_of_month_after_fiscal_year(
            fiscal_year, rule.anchor_month, rule.anchor_year_offset, cal, holiday_rule=rule.holiday_rule
        )
    if rule.anchor == "receipt":
        return deadlines.without_delay(trigger, rule.grace_business_days, cal, Step("접수일", "Received"))
    return report_deadline(rule, trigger, history, Step("시의회 제출일", "Forwarded to the Council"))


def derive(history: History, last_fiscal_year: int, fiscal_years=None, event_documents=None) -> list[Facts]:
    """The facts the register stores: every obligation the events recorded so far give
    rise to, through `last_fiscal_year`, without derivation texts. A status as of a day
    follows from them and the coverage (`judge`); `generate` is the same for one day."""
    return list(
        candidates(
            history,
            datetime.date.max,
            last_fiscal_year,
            explain=False,
            fiscal_years=fiscal_years,
            event_documents=event_documents,
        )
    )

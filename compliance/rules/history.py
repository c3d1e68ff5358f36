"""The plain records the obligation engine works on, and indexes over them. Pure."""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import law
from .calendar import HolidayCalendar, Step
from .coverage import Coverage


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
    # Agreed extensions: obligation key -> (new date, basis, the day it was agreed: a
    # status as of an earlier day ignores it). The statutory date never
    # changes; the status is judged against the extension.
    extensions: dict = field(default_factory=dict)

    def documents_by_id(self):
        return {d.id: d for d in self.documents}


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

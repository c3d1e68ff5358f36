"""A signed-in reader's task list: their own next duties, then what is late.

The dashboard's first question ("what must I do next?"), answered per role from the
stored register, in SQL: open duties (not fulfilled as of the day) of the duties that
are the reader's to do (or, for council staff, that are owed to the Council), each with
the day it falls due and one status from a small plain set. A bounded number of rows,
in three queries whatever the register's size.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..roles import ADMIN, COUNCIL_STAFF, DPO, WEGO
from ..rules.status import Status

SHOWN = 5  # rows of each list; the rest is one link away

# Whose duties each role reads as its own (codes of DOMAIN.md's duty table).
TO_MAYOR = Q(duty__endswith="_to_mayor")
TO_COUNCIL = Q(duty__startswith="forward_") | Q(duty__startswith="report_")
ROLE_DUTIES = {WEGO: TO_MAYOR, DPO: TO_COUNCIL, ADMIN: TO_COUNCIL, COUNCIL_STAFF: TO_COUNCIL}

# The plain statuses of a task (a small set, never an instruction).
LATE, NO_RECORD, DUE_SOON, NOT_DUE = "late", "no_record", "due_soon", "not_due"
_PLAIN = {
    Status.OVERDUE: LATE,
    Status.NO_RECORD: NO_RECORD,
    Status.DUE_SOON: DUE_SOON,
    Status.UPCOMING: NOT_DUE,
}
NEXT_STATUSES = (Status.DUE_SOON, Status.UPCOMING)
LATE_STATUSES = (Status.OVERDUE, Status.NO_RECORD)


@dataclass
class Task:
    key: str
    rule: object  # the DutyRule row (its name in the reader's language)
    fiscal_year: int
    due: datetime.date  # the day it falls due (an agreed extension's, when later)
    status: str  # one of LATE, NO_RECORD, DUE_SOON, NOT_DUE
    document_title: str = ""
    # Late on the records' last day, nothing known since: that day (the claim stops there).
    records_end: datetime.date | None = None


@dataclass
class TaskList:
    role: str | None
    next: list[Task] = field(default_factory=list)
    late: list[Task] = field(default_factory=list)
    next_total: int = 0
    late_total: int = 0
    # Open revision requests for WeGO (filled by `compliance.reviews`, when it offers them).
    revision_requests: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.next or self.late or self.revision_requests)


def _tasks(rows) -> list[Task]:
    return [
        Task(
            key=r.key,
            rule=r.rule,
            fiscal_year=r.fiscal_year,
            due=r.target,
            status=_PLAIN[r.status],
            document_title=r.document.title if r.document_id else "",
            records_end=r.covered_to if r.at_records_end else None,
        )
        for r in rows.select_related("rule", "document")[:SHOWN]
    ]


def task_list(register, as_of: datetime.date, role: str | None) -> TaskList:
    """The task list of `role` as of `as_of` (empty for a reader without one)."""
    duties = ROLE_DUTIES.get(role)
    if duties is None:
        return TaskList(role)
    mine = register.rows(as_of).filter(duties)
    totals = {
        r["status"]: r["n"]
        for r in mine.filter(status__in=NEXT_STATUSES + LATE_STATUSES)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    }
    found = TaskList(role)
    found.next_total = sum(totals.get(s, 0) for s in NEXT_STATUSES)
    found.late_total = sum(totals.get(s, 0) for s in LATE_STATUSES)
    # Soonest first; what is late, the latest first (this year before past years).
    if found.next_total:
        found.next = _tasks(mine.filter(status__in=NEXT_STATUSES).order_by("target", "ordering", "key"))
    if found.late_total:
        found.late = _tasks(mine.filter(status__in=LATE_STATUSES).order_by("-target", "ordering", "key"))
    return found

"""A signed-in reader's task list: their own next duties, then what is late.

The dashboard's first question ("what must I do next?"), answered per role from the
stored register, in SQL: open duties (not fulfilled as of the day) of the duties that
are the reader's to do (or, for council staff, that are owed to the Council), each with
the day it falls due and one status from a small plain set. A bounded number of rows,
in three queries whatever the register's size.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from ..roles import ADMIN, COUNCIL_STAFF, DPO, WEGO
from ..rules.status import Status

SHOWN = 5  # rows of each list; the rest is one link away

# Whose duties each role reads as its own (codes of DOMAIN.md's duty table): in SQL, and
# the same test of a duty code for the register's summary.
TO_MAYOR = Q(duty__endswith="_to_mayor")
TO_COUNCIL = Q(duty__startswith="forward_") | Q(duty__startswith="report_")
ROLE_DUTIES = {WEGO: TO_MAYOR, DPO: TO_COUNCIL, ADMIN: TO_COUNCIL, COUNCIL_STAFF: TO_COUNCIL}


def _to_mayor(duty: str) -> bool:
    return duty.endswith("_to_mayor")


def _to_council(duty: str) -> bool:
    return duty.startswith(("forward_", "report_"))


ROLE_DUTY_TEST = {WEGO: _to_mayor, DPO: _to_council, ADMIN: _to_council, COUNCIL_STAFF: _to_council}

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


TASK_FIELDS = ("key", "rule_id", "fiscal_year", "judged_to", "status", "covered_to", "at_records_end", "document_id")


def _tasks(rows, rules, titles) -> list[Task]:
    return [
        Task(
            key=key,
            rule=rules[rule_id].row,
            fiscal_year=fiscal_year,
            due=target,
            status=_PLAIN[status],
            document_title=titles.get(document_id, ""),
            records_end=covered_to if at_records_end else None,
        )
        for key, rule_id, fiscal_year, target, status, covered_to, at_records_end, document_id in rows
    ]


def task_list(register, as_of: datetime.date, role: str | None) -> TaskList:
    """The task list of `role` as of `as_of` (empty for a reader without one)."""
    from ..models import Document

    duties = ROLE_DUTIES.get(role)
    if duties is None:
        return TaskList(role)
    is_mine = ROLE_DUTY_TEST[role]
    totals = Counter()
    for group in register.summary(as_of):
        if is_mine(group["duty"]):
            totals[group["status"]] += group["n"]
    found = TaskList(role)
    found.next_total = sum(totals[s] for s in NEXT_STATUSES)
    found.late_total = sum(totals[s] for s in LATE_STATUSES)
    # Open is "not done as of the day"; next is open and due on or after it (due soon or
    # upcoming), late is open and due before it (overdue or no record). Said as ranges of
    # the day judged by (the stored target, but for an extension agreed after a past day),
    # so that the soonest and the latest few are read from the target's index.
    open_ = register.rows(as_of).filter(duties).exclude(fulfilled_on__lte=as_of)
    next_rows = late_rows = []
    if found.next_total:
        # Soonest first; what is late, the latest first (this year before past years).
        mine = open_.filter(judged_to__gte=as_of).order_by("judged_to", "ordering", "key")
        next_rows = list(mine.values_list(*TASK_FIELDS)[:SHOWN])
    if found.late_total:
        mine = open_.filter(judged_to__lt=as_of).order_by("-judged_to", "ordering", "key")
        late_rows = list(mine.values_list(*TASK_FIELDS)[:SHOWN])
    doc_ids = {row[-1] for row in next_rows + late_rows if row[-1]}
    titles = dict(Document.objects.filter(pk__in=doc_ids).values_list("pk", "title")) if doc_ids else {}
    rules = register.history.rules_by_id
    found.next, found.late = _tasks(next_rows, rules, titles), _tasks(late_rows, rules, titles)
    return found

"""The public register's question: for each duty of WeGO (a fiscal year's plan, results
or settlement), how it travelled WeGO → Mayor → Council → committee, and the delay at
each hop.

One relay is a (fiscal year, subject) pair. The pairs that match a search are found,
counted and paged in SQL over the stored obligations (`Register.rows`); only the page's
relays are read whole and become `Obligation`s. What the public may see decides what a
search may match: a document's title, and the dates that follow from its receipt, only
once it has been forwarded to the Council (`compliance.disclosure`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import ExtractYear

from ..rules.status import Status

# The relay of each subject, hop by hop (duty codes of DOMAIN.md).
SUBJECTS = {
    "plan": ("plan_to_mayor", "forward_plan_to_council", "report_plan_to_committee"),
    "results": ("results_to_mayor", "forward_results_to_council", "report_results_to_committee"),
    "settlement": ("settlement_to_mayor", "forward_settlement_to_council", "report_settlement_to_committee"),
}
SUBJECT_ORDER = tuple(SUBJECTS)
HOPS = ("to_mayor", "to_council", "to_committee")

# The plain statuses a citizen filters by, and the stored statuses each means.
PLAIN_STATUSES = {
    "on_time": (Status.ON_TIME,),
    "late": (Status.LATE,),
    "not_done": (Status.OVERDUE,),
    "no_record": (Status.NO_RECORD,),
    "not_due": (Status.DUE_SOON, Status.UPCOMING),
}


@dataclass
class Search:
    q: str = ""
    due_year: int | None = None
    subject: str | None = None  # a key of SUBJECTS
    status: str | None = None  # a key of PLAIN_STATUSES
    fiscal_year: int | None = None

    def words(self) -> list[str]:
        return (self.q or "").split()[:8]


@dataclass
class Relay:
    fiscal_year: int
    subject: str
    to_mayor: list = field(default_factory=list)  # Obligations, oldest document first
    to_council: list = field(default_factory=list)
    to_committee: list = field(default_factory=list)


def _subject_of():
    return Case(
        *(When(duty__in=duties, then=Value(n)) for n, duties in enumerate(SUBJECTS.values())),
        default=Value(len(SUBJECTS)),
        output_field=IntegerField(),
    )


def _public(rows, as_of: datetime.date):
    """Annotate `public`: whether what follows from the row's document may be shown."""
    from ..models import ForwardingItem

    held = ForwardingItem.objects.filter(document_id=OuterRef("document_id"), forwarding__forwarded_on__lte=as_of)
    return rows.annotate(held=Exists(held)).annotate(
        public=Case(
            When(Q(document__isnull=True) | Q(held=True) | Q(duty__startswith="report_"), then=Value(True)),
            default=Value(False),
        )
    )


def _relays(register, as_of):
    every = [d for duties in SUBJECTS.values() for d in duties]
    return _public(register.rows(as_of).filter(duty__in=every), as_of).annotate(subject=_subject_of())


def due_years(register, as_of) -> list[int]:
    """The years a published due date falls in, the as-of year first, then latest first.
    (A due date that follows from an undisclosed receipt is not published.)"""
    rows = _relays(register, as_of).filter(Q(event_driven=False) | Q(public=True))
    years = sorted(set(rows.order_by().annotate(y=ExtractYear("due_date")).values_list("y", flat=True)), reverse=True)
    return sorted(years, key=lambda y: y != as_of.year)


def search(register, as_of: datetime.date, wanted: Search, page_number, per_page: int):
    """(page, relays): a Django `Page` of (fiscal_year, subject) pairs, latest fiscal year
    first, and the page's `Relay`s in that order."""
    rows = _relays(register, as_of)
    if wanted.fiscal_year:
        rows = rows.filter(fiscal_year=wanted.fiscal_year)
    if wanted.subject in SUBJECTS:
        rows = rows.filter(duty__in=SUBJECTS[wanted.subject])
    if wanted.status in PLAIN_STATUSES:
        rows = rows.filter(status__in=PLAIN_STATUSES[wanted.status])
    if wanted.due_year:
        rows = rows.filter(Q(event_driven=False) | Q(public=True), due_date__year=wanted.due_year)
    for word in wanted.words():
        one = (
            Q(rule__name_ko__icontains=word)
            | Q(rule__name_en__icontains=word)
            | Q(public=True, document__title__icontains=word)
        )
        if word.isdigit() and len(word) == 4:
            one |= Q(fiscal_year=int(word))
        rows = rows.filter(one)
    pairs = rows.order_by("-fiscal_year", "subject").values_list("fiscal_year", "subject").distinct()
    page = Paginator(pairs, per_page).get_page(page_number)
    chosen = list(page.object_list)
    if not chosen:
        return page, []
    which = Q()
    for fy, subject in chosen:
        which |= Q(fiscal_year=fy, duty__in=SUBJECTS[SUBJECT_ORDER[subject]])
    stored = list(
        _relays(register, as_of)
        .filter(which)
        .select_related("document__submission")
        .order_by("fiscal_year", "ordering", "trigger_date", "key")
    )
    relays = {(fy, s): Relay(fy, SUBJECT_ORDER[s]) for fy, s in chosen}
    for row, ob in zip(stored, register.materialize(stored, as_of), strict=True):
        relay = relays[(row.fiscal_year, row.subject)]
        hop = SUBJECTS[relay.subject].index(row.duty)
        getattr(relay, HOPS[hop]).append(ob)
    return page, [relays[pair] for pair in chosen]

"""A filtered list of obligations with its counts per badge: the dashboard's question.

Stored obligations are filtered, counted (one GROUP BY), searched, ordered and paged in
SQL, and only the page's rows become `Obligation`s. The what-if view, computed by the
pure rules, is listed from memory the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from ..rules.obligations import Status, dashboard_order
from .outcomes import HOPS, OUTCOMES, holds, hop_of
from .read import sliced

DASHBOARD_ORDER = ("badge_rank", "due_date", "key")

# Sort orders a reader can choose (the first is the default): SQL, then the same in memory.
SORTS = {
    "status": ("badge_rank", "due_date", "key"),
    "due": ("due_date", "ordering", "key"),
    "-due": ("-due_date", "ordering", "key"),
    "duty": ("ordering", "-fiscal_year", "due_date", "key"),
    "fiscal_year": ("-fiscal_year", "ordering", "key"),
    "-fiscal_year": ("fiscal_year", "ordering", "key"),
}
_IN_MEMORY = {
    "status": lambda o: (Status.BADGE_ORDER[o.status_key], o.due_date, o.key),
    "due": lambda o: (o.due_date, o.spec.ordering, o.key),
    "-due": lambda o: (-o.due_date.toordinal(), o.spec.ordering, o.key),
    "duty": lambda o: (o.spec.ordering, -o.fiscal_year, o.due_date, o.key),
    "fiscal_year": lambda o: (-o.fiscal_year, o.spec.ordering, o.key),
    "-fiscal_year": lambda o: (o.fiscal_year, o.spec.ordering, o.key),
}
# A status filter may name a badge or one of these groups of badges.
ANY_LATE = "any_late"  # late, whether done since or not: "what is late"
STATUS_GROUPS = {
    ANY_LATE: (
        Status.OVERDUE,
        Status.NOT_YET_PAST_GRACE,
        Status.OVERDUE_AT_RECORDS_END,
        Status.PAST_GRACE_AT_RECORDS_END,
        Status.DONE_AFTER_GRACE,
        Status.DELAYED_REASON_RECORDED,
        Status.LATE,
    )
}


@dataclass
class Filters:
    fiscal_year: int | None = None
    duty: str | None = None
    party: str | None = None
    status: str | None = None  # a badge, or a group of STATUS_GROUPS
    due_year: int | None = None  # the calendar year the duty falls due (not the fiscal year)
    q: str = ""  # words that must each match the duty, the document's title, the key or the year
    # The compliance record's figures (`outcomes`): the hop, and what became of the duty.
    hop: str | None = None
    outcome: str | None = None
    sort: str = "status"

    def stored(self) -> dict:
        found = {
            name: value
            for name, value in (("fiscal_year", self.fiscal_year), ("duty", self.duty), ("party", self.party))
            if value
        }
        if self.due_year:
            found["due_date__year"] = self.due_year
        if self.hop:
            found["stream"] = HOPS[self.hop]
        return found

    def narrow(self, rows):
        """`rows` (a `Register.rows()` queryset) narrowed by every filter but the badge."""
        rows = rows.filter(**self.stored())
        if self.words():
            rows = rows.filter(self.search())
        return rows.filter(OUTCOMES[self.outcome]) if self.outcome else rows

    def keeps(self, group: dict) -> bool:
        """Whether a group of the register's summary is in scope (`stored()`, said of the
        group's fiscal year, duty, party, year due and stream)."""
        found = {**group, "due_date__year": group["due_year"]}
        return all(found[name] == value for name, value in self.stored().items())

    def words(self) -> list[str]:
        return [w for w in (self.q or "").split() if w][:8]

    def search(self) -> Q:
        """Every word matches somewhere: the duty's name (either language), the document's
        title, the key, or (a four-digit number) the fiscal year or the year due."""
        found = Q()
        for word in self.words():
            one = (
                Q(rule__name_ko__icontains=word)
                | Q(rule__name_en__icontains=word)
                | Q(document__title__icontains=word)
                | Q(key__icontains=word)
            )
            if word.isdigit() and len(word) == 4:
                one |= Q(fiscal_year=int(word)) | Q(due_date__year=int(word))
            found &= one
        return found

    def badges(self) -> tuple[str, ...]:
        """The badges the status filter keeps (none: no status filter)."""
        if not self.status:
            return ()
        return STATUS_GROUPS.get(self.status, (self.status,))

    def matches(self, o) -> bool:
        return (
            (not self.fiscal_year or o.fiscal_year == self.fiscal_year)
            and (not self.duty or o.duty == self.duty)
            and (not self.party or o.rule.actor.code == self.party)
            and (not self.hop or hop_of(o) == self.hop)
            and (not self.outcome or holds(self.outcome, o))
            and (not self.due_year or o.due_date.year == self.due_year)
            and all(_mentions(o, w) for w in self.words())
        )

    def shows(self, o) -> bool:
        return not self.status or o.status_key in self.badges()


def _mentions(o, word: str) -> bool:
    word_l = word.lower()
    texts = [o.key, getattr(o.rule, "name_ko", ""), getattr(o.rule, "name_en", "")]
    if o.document is not None:
        texts.append(o.document.title or "")
    if word.isdigit() and len(word) == 4 and int(word) in (o.fiscal_year, o.due_date.year):
        return True
    return any(word_l in (t or "").lower() for t in texts)


class Page(Sequence):
    """Rows of a queryset that become `Obligation`s (then `transform(obligation)`) a slice
    at a time: what a Paginator reads. `total` defaults to the queryset's count."""

    def __init__(self, queryset, total, register, as_of, transform=None):
        self._queryset, self._register, self._as_of = queryset, register, as_of
        self._total = queryset.count() if total is None else total
        self._transform = transform or (lambda o: o)

    def __len__(self):
        return self._total

    def count(self, value=None):  # Paginator asks `count()`
        return self._total if value is None else super().count(value)

    def __getitem__(self, index):
        if isinstance(index, slice):
            rows = sliced(self._queryset, index, self._queryset.model.objects.all())
            return [self._transform(o) for o in self._register.materialize(rows, self._as_of)]
        return self[index : index + 1][0]


@dataclass
class Selection:
    rows: Sequence  # the obligations in the chosen order (sliceable, counted)
    counts: dict  # badge -> how many, over every row in scope (status filter aside)


class Listing:
    """The obligations known on a day: the filter choices they offer, then a selection."""

    def __init__(self, register, as_of, what_if=False, what_if_from=None):
        self.register, self.as_of = register, as_of
        self.what_if, self.what_if_from = what_if, what_if_from
        if what_if:
            self._all = register.obligations(as_of, what_if=True, what_if_from=what_if_from)
            triples = {(o.fiscal_year, o.duty, o.due_date.year) for o in self._all}
        else:
            self._known = register.rows(as_of)
            self._summary = register.summary(as_of)
            triples = {(g["fiscal_year"], g["duty"], g["due_year"]) for g in self._summary}
        self.fiscal_years = sorted({fy for fy, _, _ in triples})
        self.duties = {duty for _, duty, _ in triples}
        # The years duties fall due in: the as-of year first, then the others, latest first.
        years = sorted({y for _, _, y in triples}, reverse=True)
        self.due_years = sorted(years, key=lambda y: y != as_of.year)

    def select(self, filters: Filters) -> Selection:
        sort = filters.sort if filters.sort in SORTS else "status"
        if self.what_if:
            scoped = [o for o in self._all if filters.matches(o)]
            if sort == "status":
                scoped = dashboard_order(scoped)
            else:
                scoped = sorted(scoped, key=_IN_MEMORY[sort])
            counts = Counter(o.status_key for o in scoped)
            shown = [o for o in scoped if filters.shows(o)]
            return Selection(rows=shown, counts=dict(counts))
        scoped = filters.narrow(self._known)
        # Counts are sums over the register's summary, unless a filter needs the rows
        # themselves (words to search, an outcome): then one GROUP BY of the rows in scope.
        if filters.words() or filters.outcome:
            counts = self.register.counts(scoped)
        else:
            counts = Counter()
            for group in self._summary:
                if filters.keeps(group):
                    counts[group["badge"]] += group["n"]
            counts = dict(counts)
        badges = filters.badges()
        shown = scoped.filter(badge__in=badges) if badges else scoped
        total = sum(n for badge, n in counts.items() if not badges or badge in badges)
        return Selection(rows=Page(shown.order_by(*SORTS[sort]), total, self.register, self.as_of), counts=counts)

"""A filtered list of obligations with its counts per badge: the dashboard's question.

Stored obligations are filtered, counted (one GROUP BY), ordered and paged in SQL, and
only the page's rows become `Obligation`s. The what-if view, computed by the pure rules,
is listed from memory the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..rules.obligations import dashboard_order
from .outcomes import HOPS, OUTCOMES, holds, hop_of

DASHBOARD_ORDER = ("badge_rank", "due_date", "key")


@dataclass
class Filters:
    fiscal_year: int | None = None
    duty: str | None = None
    party: str | None = None
    status: str | None = None  # a badge
    # The compliance record's figures (`outcomes`): the hop, and what became of the duty.
    hop: str | None = None
    outcome: str | None = None

    def stored(self) -> dict:
        found = {
            name: value
            for name, value in (("fiscal_year", self.fiscal_year), ("duty", self.duty), ("party", self.party))
            if value
        }
        if self.hop:
            found["stream"] = HOPS[self.hop]
        return found

    def narrow(self, rows):
        """`rows` (a `Register.rows()` queryset) narrowed by every filter but the badge."""
        rows = rows.filter(**self.stored())
        return rows.filter(OUTCOMES[self.outcome]) if self.outcome else rows

    def matches(self, o) -> bool:
        return (
            (not self.fiscal_year or o.fiscal_year == self.fiscal_year)
            and (not self.duty or o.duty == self.duty)
            and (not self.party or o.rule.actor.code == self.party)
            and (not self.hop or hop_of(o) == self.hop)
            and (not self.outcome or holds(self.outcome, o))
        )


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
            return [self._transform(o) for o in self._register.materialize(self._queryset[index], self._as_of)]
        return self[index : index + 1][0]


@dataclass
class Selection:
    rows: Sequence  # the obligations in dashboard order (sliceable, counted)
    counts: dict  # badge -> how many, over every row in scope (status filter aside)


class Listing:
    """The obligations known on a day: the filter choices they offer, then a selection."""

    def __init__(self, register, as_of, what_if=False, what_if_from=None):
        self.register, self.as_of = register, as_of
        self.what_if, self.what_if_from = what_if, what_if_from
        if what_if:
            self._all = register.obligations(as_of, what_if=True, what_if_from=what_if_from)
            pairs = {(o.fiscal_year, o.duty) for o in self._all}
        else:
            self._known = register.rows(as_of)
            pairs = set(self._known.order_by().values_list("fiscal_year", "duty").distinct())
        self.fiscal_years = sorted({fy for fy, _ in pairs})
        self.duties = {duty for _, duty in pairs}

    def select(self, filters: Filters) -> Selection:
        if self.what_if:
            scoped = dashboard_order([o for o in self._all if filters.matches(o)])
            counts = Counter(o.status_key for o in scoped)
            shown = [o for o in scoped if o.status_key == filters.status] if filters.status else scoped
            return Selection(rows=shown, counts=dict(counts))
        scoped = filters.narrow(self._known)
        counts = self.register.counts(scoped)
        shown = scoped.filter(badge=filters.status) if filters.status else scoped
        total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
        return Selection(rows=Page(shown.order_by(*DASHBOARD_ORDER), total, self.register, self.as_of), counts=counts)

"""Which version of a provision is in force on a day: the one pure place that decides it.

Every reader (the obligation engine, the obligation page, the law page, packets) asks
`in_force()`; nothing else compares effective dates.

Readings (DOMAIN.md "The amendment"):

* A version with no effective date that is not proposed is the text in force since
  before tracking began.
* A proposed version with no effective date is a bill: never in force, except in the
  what-if view, which assumes it in force from `what_if_from`.
* On a given day the version in force is the latest one whose start has come; between
  two versions starting the same day, the proposed one wins (it is the what-if).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass(frozen=True)
class ProvisionRec:
    """One version of one article/paragraph, as plain data.

    `row` is whatever the caller made this from (a model instance); the rules never read
    it, pages use it to show the text in the reader's language.
    """

    id: int
    instrument_id: int
    article: str
    paragraph: str
    version_label: str
    is_proposed: bool = False
    effective_from: datetime.date | None = None
    effective_to: datetime.date | None = None
    # Which moment decides whether a document's duties under this version exist: its
    # receipt (the default; 부칙 "시행 후 최초로 제출받는 것부터") or its forwarding.
    duties_arise_on: str = "receipt"
    row: Any = None

    @property
    def citation(self) -> str:
        para = ""
        if self.paragraph.isdigit() and 1 <= int(self.paragraph) <= len(CIRCLED):
            para = CIRCLED[int(self.paragraph) - 1]
        return f"제{self.article}조{para}"

    @property
    def slot(self) -> tuple:
        return (self.instrument_id, self.article, self.paragraph)

    @property
    def is_bill(self) -> bool:
        """Proposed and never given an effective date: not law, whatever the what-if says."""
        return self.is_proposed and self.effective_from is None


def starts_on(p: ProvisionRec, what_if: bool = False, what_if_from: datetime.date | None = None):
    """First day in force: `datetime.date.min` for the base text, None if never."""
    if p.effective_from:
        return p.effective_from
    if p.is_proposed:
        return (what_if_from or datetime.date.min) if what_if else None
    return datetime.date.min


def is_in_force(
    p: ProvisionRec,
    day: datetime.date,
    versions,
    what_if: bool = False,
    what_if_from: datetime.date | None = None,
) -> bool:
    """Is `p` the version of its article/paragraph in force on `day`, among `versions`?"""
    start = starts_on(p, what_if, what_if_from)
    if start is None or start > day:
        return False
    if p.effective_to and day > p.effective_to:
        return False
    for other in versions:
        if other.id == p.id or other.slot != p.slot:
            continue
        other_start = starts_on(other, what_if, what_if_from)
        if other_start is not None and other_start <= day:
            if other_start > start or (other_start == start and other.is_proposed and not p.is_proposed):
                return False
    return True


def in_force(
    versions,
    day: datetime.date,
    what_if: bool = False,
    what_if_from: datetime.date | None = None,
    among=None,
) -> list[ProvisionRec]:
    """The versions in force on `day`; `among` limits the answer (e.g. a duty rule's own)."""
    candidates = versions if among is None else among
    return [p for p in candidates if is_in_force(p, day, versions, what_if, what_if_from)]

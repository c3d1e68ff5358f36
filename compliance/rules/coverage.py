"""What the records cover: the one pure place that decides whether "not fulfilled" is
something the records show or something they cannot show (DOMAIN.md "Coverage").

Each stream of records (WeGO's submissions to the Mayor, the Mayor's forwardings to the
Council, committee reports) has zero or more coverage periods. A period is either
*covered from D1 through D2* (history entered after the fact, e.g. the review report's
"최근 3년간" tables) or *live from D1* (from that day the app is how these events are
recorded, so the records are complete up to the day one asks about).

An unfulfilled duty that could have been fulfilled on a day outside the coverage of its
stream is `no_record`: we do not know, so we never accuse.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)

# The streams (the values of `models.RecordStream`).
RECEIPTS = "receipts"
FORWARDINGS = "forwardings"
COMMITTEE_REPORTS = "committee_reports"
STREAMS = (RECEIPTS, FORWARDINGS, COMMITTEE_REPORTS)

# Which records fulfil a duty, by the duty's anchor: a duty counted from the fiscal year
# is fulfilled by a receipt, one triggered by a receipt by a forwarding, one triggered by
# a forwarding by a committee report.
STREAM_BY_ANCHOR = {
    "fiscal_year_start": RECEIPTS,
    "month_end": RECEIPTS,
    "receipt": FORWARDINGS,
    "forwarding": COMMITTEE_REPORTS,
}


def stream_for(anchor: str) -> str:
    return STREAM_BY_ANCHOR[anchor]


@dataclass(frozen=True)
class CoverageRec:
    """One period of one stream; `ends_on` None means live (complete up to today)."""

    stream: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    source: str = ""

    @property
    def is_live(self) -> bool:
        return self.ends_on is None


@dataclass(frozen=True)
class Coverage:
    periods: tuple[CoverageRec, ...] = ()

    @classmethod
    def of(cls, periods: Iterable[CoverageRec]) -> Coverage:
        return cls(tuple(sorted(periods, key=lambda p: (p.stream, p.starts_on))))

    def for_stream(self, stream: str) -> list[CoverageRec]:
        return [p for p in self.periods if p.stream == stream]

    def first_gap(self, stream: str, first: datetime.date, last: datetime.date) -> datetime.date | None:
        """The first day from `first` through `last` that no period of `stream` covers.

        A live period covers up to `last` (the caller passes "as of"): the app is complete
        up to the day one asks about, never beyond. Adjacent periods join up.
        """
        day = first
        for period in self.for_stream(stream):
            if day > last:
                return None
            if period.starts_on > day:
                return day
            end = last if period.ends_on is None else period.ends_on
            if end >= day:
                day = end + ONE_DAY
        return day if day <= last else None

    def spans(self, stream: str, as_of: datetime.date) -> tuple[tuple[datetime.date, datetime.date], ...]:
        """The covered days of `stream` known on `as_of`, as merged (start, end) pairs in
        order: a live period ends on `as_of`; periods starting after it are left out."""
        merged: list[list[datetime.date]] = []
        for period in self.for_stream(stream):
            if period.starts_on > as_of:
                continue
            end = as_of if period.ends_on is None else min(period.ends_on, as_of)
            if end < period.starts_on:
                continue
            if merged and period.starts_on <= merged[-1][1] + ONE_DAY:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([period.starts_on, end])
        return tuple((start, end) for start, end in merged)

    def covers(self, stream: str, first: datetime.date, last: datetime.date) -> bool:
        """Is every day from `first` through `last` inside a period of `stream`?"""
        return self.first_gap(stream, first, last) is None

"""Status as of a day: the one pure judgement of what the records prove (DOMAIN.md "Status").

Nothing here knows Django or the clock. `compliance.register.status_sql` says the same
thing in SQL for the stored rows; tests/test_register_property.py checks that they agree.

Judge each claim on the days it needs, and claim no less than the records prove:

- fulfilled on or before the as-of day: on time or late, against the agreed extension
  when there is one (an extension met is on time);
- not yet due on the as-of day: due soon / upcoming, whatever the coverage (the due date
  is known);
- past due, and the records of the duty's stream cover every day from the first day it
  could have been fulfilled through the as-of day: overdue;
- past due, the records cover the days from that first day through a last covered day
  that is itself past due, and nothing was recorded by then: overdue **at the records
  end** (status ``overdue``; ``days_overdue_at_records_end`` says by how much, and the
  status claims nothing after that day);
- otherwise: ``no_record`` (we do not know, so we never accuse).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


class Status:
    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"
    # Not fulfilled as far as the records go, but they do not cover the days the claim
    # needs: we do not know, so we never call it overdue (DOMAIN.md "Coverage").
    NO_RECORD = "no_record"

    ALL = (OVERDUE, NO_RECORD, DUE_SOON, UPCOMING, LATE, ON_TIME)
    FULFILLED = (ON_TIME, LATE)
    # For "without delay" duties past their grace (labels in `compliance.labels`): they
    # say what happened, never "violated" (the grace is an internal target, not the law).
    NOT_YET_PAST_GRACE = "not_yet_past_grace"  # not yet done, past the grace: reason required
    DONE_AFTER_GRACE = "done_after_grace"  # done after the grace: reason required
    DELAYED_REASON_RECORDED = "delayed_reason_recorded"  # past the grace, reason recorded
    # Overdue (past the grace) on the last day the records cover, nothing recorded since:
    # a breach for the covered period only.
    OVERDUE_AT_RECORDS_END = "overdue_at_records_end"
    PAST_GRACE_AT_RECORDS_END = "past_grace_at_records_end"
    # The statutory date has passed, the agreed extension has not: never "overdue".
    WITHIN_EXTENSION = "within_extension"
    # The badges a reader sees (`Obligation.status_key`), in dashboard order: what needs
    # action first. A status card counts exactly the rows that carry its badge.
    BADGES = (
        OVERDUE,
        NOT_YET_PAST_GRACE,
        OVERDUE_AT_RECORDS_END,
        PAST_GRACE_AT_RECORDS_END,
        NO_RECORD,
        WITHIN_EXTENSION,
        DUE_SOON,
        UPCOMING,
        DONE_AFTER_GRACE,
        DELAYED_REASON_RECORDED,
        LATE,
        ON_TIME,
    )
    ORDER = {OVERDUE: 0, NO_RECORD: 1, DUE_SOON: 2, UPCOMING: 3, LATE: 4, ON_TIME: 5}
    BADGE_ORDER = {badge: i for i, badge in enumerate(BADGES)}


def status_as_of(
    due: datetime.date,
    fulfilled_on: datetime.date | None,
    as_of: datetime.date,
    due_soon_days: int,
    recorded: bool = True,
) -> str:
    """The plain status when the records cover every day the claim needs (`recorded`),
    else `no_record` for an open duty. `judge()` is the full rule with coverage."""
    if fulfilled_on is not None and fulfilled_on <= as_of:
        return Status.ON_TIME if fulfilled_on <= due else Status.LATE
    if not recorded:
        return Status.NO_RECORD
    if as_of > due:
        return Status.OVERDUE
    if (due - as_of).days <= due_soon_days:
        return Status.DUE_SOON
    return Status.UPCOMING


@dataclass(frozen=True)
class Judgement:
    status: str
    # Past due on the last covered day with nothing recorded: that day, and the days
    # overdue then. Both None otherwise.
    records_end: datetime.date | None = None
    days_overdue_at_records_end: int | None = None
    # The first day from the window's start through "as of" that the records do not
    # cover (None when they cover them all).
    records_gap: datetime.date | None = None
    # The statutory date passed, the agreed extension did not.
    within_extension: bool = False


def covered_to(spans, first: datetime.date) -> datetime.date | None:
    """The last day of the covered span that holds `first` (None if none does).
    `spans` are merged (start, end) pairs, live periods ending on "as of"."""
    for start, end in spans:
        if start <= first <= end:
            return end
    return None


def last_covered_before(spans, day: datetime.date) -> datetime.date | None:
    """The last covered day before `day`, or None."""
    found = None
    for start, end in spans:
        if start < day:
            found = min(end, day - ONE_DAY)
    return found


def judge(
    due: datetime.date,
    fulfilled_on: datetime.date | None,
    as_of: datetime.date,
    due_soon_days: int,
    window_start: datetime.date,
    spans=None,
    extended_to: datetime.date | None = None,
) -> Judgement:
    """The status of one duty on `as_of` (see the module docstring).

    `spans`: the merged covered periods of the duty's stream as of that day
    (`Coverage.spans`); None means the caller vouches that the records are complete.
    `extended_to`: an agreed extension's date; the statutory `due` never changes, the
    status is judged against the later of the two.
    """
    target = max(due, extended_to) if extended_to else due
    if fulfilled_on is not None and fulfilled_on <= as_of:
        return Judgement(Status.ON_TIME if fulfilled_on <= target else Status.LATE)
    gap = None
    if spans is not None and window_start <= as_of:
        end = covered_to(spans, window_start)
        if end is None:
            gap = window_start
        elif end < as_of:
            gap = end + ONE_DAY
    within = as_of > due and as_of <= target
    if as_of <= target:
        status = Status.DUE_SOON if (target - as_of).days <= due_soon_days else Status.UPCOMING
        return Judgement(status, records_gap=gap, within_extension=within)
    if gap is None:
        return Judgement(Status.OVERDUE)
    records_end = gap - ONE_DAY
    if gap > window_start and records_end > target:
        return Judgement(
            Status.OVERDUE,
            records_end=records_end,
            days_overdue_at_records_end=(records_end - target).days,
            records_gap=gap,
        )
    return Judgement(Status.NO_RECORD, records_gap=gap)


def records_end_of(spans, window_start: datetime.date, as_of: datetime.date) -> datetime.date | None:
    """The last day the stream is covered before the claim's first uncovered day, for
    an open duty: None when the records cover every day it needs through `as_of`
    (live coverage included)."""
    if spans is None:
        return None
    first = min(window_start, as_of)
    end = covered_to(spans, first)
    if end is not None and end >= as_of:
        return None
    if end is not None:
        return end
    return last_covered_before(spans, first + ONE_DAY) if first <= as_of else None

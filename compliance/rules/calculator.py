"""The public deadline calculator: one duty rule and one date or fiscal year → a due date.

Pure (no ORM, no settings, no clock): the caller passes the rule, the holiday calendar
and the council sessions it read through the register. The legal reading is the
engine's own (`deadlines`): the calculator only picks the function the rule's anchor
names and lists the weekends and holidays the period crossed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from . import deadlines
from .calendar import HolidayCalendar, Step
from .deadlines import Deadline

ONE_DAY = datetime.timedelta(days=1)

# Years the holiday calendar and the ordinance make sense for.
MIN_YEAR = 2000


def max_year(today: datetime.date) -> int:
    return today.year + 10


# What each anchor is computed from: the query parameter the caller must give.
FISCAL_YEAR = "fiscal_year"
RECEIVED_ON = "received_on"
FORWARDED_ON = "forwarded_on"
INPUT_FOR_ANCHOR = {
    "fiscal_year_start": FISCAL_YEAR,
    "month_end": FISCAL_YEAR,
    "receipt": RECEIVED_ON,
    "forwarding": FORWARDED_ON,
}


@dataclass(frozen=True)
class CrossedDay:
    day: datetime.date
    why: Step  # "a Saturday", "a public holiday (삼일절)"


@dataclass(frozen=True)
class Calculation:
    rule: object
    deadline: Deadline
    fiscal_year: int | None = None
    trigger: datetime.date | None = None
    crossed: tuple[CrossedDay, ...] = field(default_factory=tuple)

    @property
    def due(self) -> datetime.date:
        return self.deadline.due

    @property
    def internal_target(self) -> bool:
        """The date ends a grace we chose ("without delay" has no statutory number of days,
        or no next session is on record yet): an internal target, never a legal deadline."""
        if self.rule.anchor == "receipt" or self.deadline.provisional:
            return True
        return self.rule.anchor == "forwarding" and getattr(self.rule, "report_timing", "") == "business_days"

    @property
    def submit_by(self) -> datetime.date | None:
        """Advisory only: the business day before a backward deadline on a non-business day."""
        return self.deadline.submit_by


def needed_input(rule) -> str:
    return INPUT_FOR_ANCHOR[rule.anchor]


def _non_business(days, calendar: HolidayCalendar) -> tuple[CrossedDay, ...]:
    return tuple(CrossedDay(d, calendar.why_not_business_day(d)) for d in days if not calendar.is_business_day(d))


def _span(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def calculate(
    rule,
    calendar: HolidayCalendar,
    *,
    fiscal_year: int | None = None,
    trigger: datetime.date | None = None,
    sessions=(),
) -> Calculation:
    """The due date of `rule` for `fiscal_year` (calendar duties) or `trigger` (a receipt or
    forwarding date for "without delay" and committee duties), with the days crossed.

    Crossed days: for a fixed date, the weekends and holidays it rolled over (민법 제161조);
    for a "without delay" grace, those skipped while counting business days; for a
    backward deadline on a non-business day, those between the advisory date and the
    (unmoved) legal due date.
    """
    anchor = rule.anchor
    if anchor == "fiscal_year_start":
        deadline = deadlines.months_before_fiscal_year(fiscal_year, -rule.offset_months, calendar)
        crossed = ()
        if deadline.submit_by:
            crossed = _non_business(_span(deadline.submit_by + ONE_DAY, deadline.due), calendar)
        return Calculation(rule, deadline, fiscal_year=fiscal_year, crossed=crossed)
    if anchor == "month_end":
        deadline = deadlines.end_of_month_after_fiscal_year(
            fiscal_year, rule.anchor_month, rule.anchor_year_offset, calendar, rule.holiday_rule
        )
        year = fiscal_year + rule.anchor_year_offset
        month_end = datetime.date(year, rule.anchor_month, 1)
        month_end = (month_end.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - ONE_DAY
        crossed = _non_business(_span(month_end, deadline.due - ONE_DAY), calendar)
        return Calculation(rule, deadline, fiscal_year=fiscal_year, crossed=crossed)
    if anchor == "receipt":
        label = Step("접수일", "Received")
        deadline = deadlines.without_delay(trigger, rule.grace_business_days, calendar, label)
    else:
        # The same choice as the register's (obligations.generate): the rule's report timing.
        label = Step("시의회 제출일", "Forwarded to the Council")
        timing = getattr(rule, "report_timing", "next_session")
        if timing == "fixed_date":
            deadline = deadlines.fixed_yearly_date(trigger, rule.report_month, rule.report_day, calendar, label)
        elif timing == "business_days":
            deadline = deadlines.without_delay(trigger, rule.grace_business_days, calendar, label)
        else:
            deadline = deadlines.next_session_or_grace(trigger, sessions, rule.grace_business_days, calendar, label)
    # A committee report due at the end of the next session counts no days; the other
    # timings count (business days) or roll (a fixed date) over the days listed.
    counted = (
        anchor == "receipt"
        or getattr(rule, "report_timing", "next_session") != "next_session"
        or not any(start > trigger for start, _end, _label in sessions)
    )
    crossed = _non_business(_span(trigger + ONE_DAY, deadline.due), calendar) if counted else ()
    return Calculation(rule, deadline, trigger=trigger, crossed=crossed)

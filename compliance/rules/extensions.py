"""Agreed extensions ("stop the clock"): which extensions make sense. Pure: no Django, no clock.

An extension moves the date a duty is judged against to a later, agreed date; the
statutory due date never changes (DOMAIN.md "Status of an obligation"). It is refused
when it would not move the deadline later, when it names a date before the event that
started the duty, or when the duty was already fulfilled: there is nothing to extend.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# Problem codes; the services and the import word them in the reader's language.
NOT_AFTER_STATUTORY = "not_after_statutory"  # on or before the statutory date
BEFORE_EVENT = "before_event"  # before the receipt/forwarding that started the duty
FULFILLED = "fulfilled"  # fulfilled on or before the day the extension is recorded
GRANTED_IN_FUTURE = "granted_in_future"  # granted after the day it is recorded


@dataclass(frozen=True)
class Problem:
    code: str
    field: str  # the form field (and import column) it concerns


def extension_problems(
    *,
    statutory_due: datetime.date,
    fulfilled_on: datetime.date | None,
    event_day: datetime.date | None,
    extended_to: datetime.date,
    recorded_on: datetime.date,
    granted_on: datetime.date | None = None,
) -> list[Problem]:
    """Every reason to refuse this extension (empty: it may be recorded).

    `statutory_due` is the duty's own due date (the end of the grace for a "without
    delay" duty), `event_day` the receipt or forwarding that started it (None for a duty
    tied to the fiscal year), `recorded_on` the day the extension is recorded.
    """
    problems = []
    if extended_to <= statutory_due:
        problems.append(Problem(NOT_AFTER_STATUTORY, "extended_to"))
    if event_day is not None and extended_to < event_day:
        problems.append(Problem(BEFORE_EVENT, "extended_to"))
    if fulfilled_on is not None and fulfilled_on <= recorded_on:
        problems.append(Problem(FULFILLED, "obligation_key"))
    if granted_on is not None and granted_on > recorded_on:
        problems.append(Problem(GRANTED_IN_FUTURE, "granted_on"))
    return problems

"""The what-if view: the calendar as if the proposed amendment were in force, computed
by the pure rules on demand for the fiscal years asked (never stored: it is a question,
not a fact), and the admin's preview of a holiday or session change."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Sequence

from ..rules.calendar import calendar_from_overrides
from ..rules.deadlines import session_label
from ..rules.obligations import Obligation, generate
from .records import load_history

_KEY_YEAR = re.compile(r"-(\d{4})(?:-d\d+)?$")


def what_if_obligations(as_of, what_if_from, register, key: str | None = None) -> list[Obligation]:
    """The obligations of `as_of` with the bill assumed in force from `what_if_from`
    (one fiscal year's only when `key` names it)."""
    years = None
    if key is not None:
        match = _KEY_YEAR.search(key)
        years = {int(match.group(1))} if match else set()
    history = load_history(fiscal_years=years)
    found = generate(
        history,
        as_of,
        due_soon_days=register.due_soon_days,
        horizon_days=register.horizon_days,
        what_if=True,
        what_if_from=what_if_from,
    )
    return found if years is None else [o for o in found if o.fiscal_year in years]


def due_date_moves(
    as_of: datetime.date, *, holidays: Sequence[tuple] | None = None, sessions: Sequence[tuple] | None = None
) -> list[tuple[Obligation, datetime.date, datetime.date]]:
    """(obligation, due date now, due date after) for each obligation whose due date a
    change would move: `holidays` replaces the override rows (date, kind, name_ko,
    name_en), `sessions` the council sessions (starts_on, ends_on, number, kind).

    Nothing is saved: the administrator sees this before saving (the admin's preview).
    """
    from django.conf import settings

    current = load_history()
    changes = {}
    if holidays is not None:
        changes["calendar"] = calendar_from_overrides(holidays)
    if sessions is not None:
        changes["sessions"] = [(s, e, session_label(n, k)) for s, e, n, k in sessions]
    proposed = dataclasses.replace(current, **changes)
    days = {"due_soon_days": settings.WEGO_DUE_SOON_DAYS, "horizon_days": settings.WEGO_HORIZON_DAYS}
    after = {o.key: o for o in generate(proposed, as_of, **days)}
    moves = []
    for before in generate(current, as_of, **days):
        now = after.get(before.key)
        if now is not None and now.due_date != before.due_date:
            moves.append((now, before.due_date, now.due_date))
    moves.sort(key=lambda m: (min(m[1], m[2]), m[0].key))
    return moves

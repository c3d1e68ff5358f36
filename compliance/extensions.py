"""Agreed extensions, read side: the facts of a duty an extension is checked against, and
the refusals worded in the reader's language. Shared by the form's service
(`compliance.services.extensions`) and the import (`compliance.dataio.resources.extensions`).

`duty_facts` is the one place that asks the register about an obligation for an
extension; `latest_active_extensions` (re-exported from the models) is what the register
reads to judge a status against the agreed date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .display import date_label
from .models import latest_active_extensions
from .rules import extensions as rules

__all__ = ["DutyFacts", "duty_facts", "latest_active_extensions", "problems_for", "refusals"]


@dataclass(frozen=True)
class DutyFacts:
    key: str
    statutory_due: datetime.date
    fulfilled_on: datetime.date | None
    event_day: datetime.date | None


def duty_facts(obligation_key: str, today: datetime.date) -> DutyFacts | None:
    """The statutory due date, fulfilment and triggering event of an obligation as of
    `today`; None when there is no such obligation."""
    from . import register

    obligation = register.load().get(obligation_key, today)
    if obligation is None:
        return None
    return DutyFacts(obligation.key, obligation.due_date, obligation.fulfilled_on, obligation.trigger_date)


def problems_for(facts: DutyFacts, *, extended_to, granted_on, today) -> list[rules.Problem]:
    return rules.extension_problems(
        statutory_due=facts.statutory_due,
        fulfilled_on=facts.fulfilled_on,
        event_day=facts.event_day,
        extended_to=extended_to,
        recorded_on=today,
        granted_on=granted_on,
    )


def refusals(problems, facts: DutyFacts, today, fields=None) -> dict[str, list[str]]:
    """{field: [messages]} in the active language; `fields` renames fields (import columns)."""
    words = {
        rules.NOT_AFTER_STATUTORY: _(
            "The agreed date must be after the statutory due date (%(day)s): an extension moves a deadline "
            "later, never onto or before the statutory date."
        )
        % {"day": date_label(facts.statutory_due)},
        rules.BEFORE_EVENT: _("The agreed date cannot be before the event the duty follows from (%(day)s).")
        % {"day": date_label(facts.event_day) if facts.event_day else ""},
        rules.FULFILLED: _("This duty was already fulfilled on %(day)s: there is nothing to extend.")
        % {"day": date_label(facts.fulfilled_on) if facts.fulfilled_on else ""},
        rules.GRANTED_IN_FUTURE: _("The date cannot be in the future (today is %(today)s in Seoul).")
        % {"today": date_label(today)},
    }
    errors: dict[str, list[str]] = {}
    for problem in problems:
        field = (fields or {}).get(problem.field, problem.field)
        errors.setdefault(field, []).append(words[problem.code])
    return errors


def no_such_obligation(key: str) -> str:
    return _("No obligation has the key “%(key)s”.") % {"key": key}

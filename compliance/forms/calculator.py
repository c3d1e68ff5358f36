"""The deadline calculator's two steps as forms: first the duty, then only what it needs.

The page is forgiving where the API (/api/v1/calculate/) is strict: it asks only for the
one input the chosen duty is counted from and ignores the rest, and every error is a
sentence tied to its field (never a parameter name).
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..display import date_label
from ..rules import calculator
from .base import DATE_ERRORS, DateInput

# What the reader is told about each kind of duty, before choosing it.
ANCHOR_HINTS = {
    "fiscal_year_start": _(
        "A legal deadline counted back from the start of the fiscal year. You will need: the fiscal year."
    ),
    "month_end": _("A legal deadline at a fixed date after the fiscal year ends. You will need: the fiscal year."),
    "receipt": _(
        "“Without delay” after the Mayor receives the document: the law sets no number of days, so the answer "
        "is an internal target date, not a legal deadline. You will need: the day it was received."
    ),
    "forwarding": _(
        "At the standing committee's next session after the forwarding (proposed amendment). You will need: "
        "the day it was forwarded to the Council."
    ),
}


class DutyForm(forms.Form):
    """Step 1: which duty (by its name, never its code)."""

    duty = forms.ChoiceField(
        label=_("Which duty?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a duty."), "invalid_choice": _("Choose one of the duties listed.")},
    )

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = {r.code: r for r in rules}
        self.fields["duty"].choices = [(r.code, r.row.name) for r in rules]

    def options(self):
        """(code, name, hint, checked) for the template, which lays each hint under its name."""
        chosen = self.data.get("duty") if self.is_bound else self.initial.get("duty")
        return [
            (code, name, ANCHOR_HINTS[self.rules[code].anchor], code == chosen)
            for code, name in self.fields["duty"].choices
        ]


class InputForm(forms.Form):
    """Step 2: the one input the chosen duty is counted from."""

    def __init__(self, *args, needed, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.needed = needed
        self.today = today
        if needed == calculator.FISCAL_YEAR:
            self.fields[needed] = forms.CharField(
                label=_("Fiscal year of the plan, results or settlement"),
                help_text=_("Four digits, e.g. %(year)s. The fiscal year is the calendar year.") % {"year": today.year},
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
                error_messages={"required": _("Enter the fiscal year.")},
            )
        else:
            received = needed == calculator.RECEIVED_ON
            self.fields[needed] = forms.DateField(
                label=_("Day the Mayor received the document")
                if received
                else _("Day it was forwarded to the Council"),
                help_text=_("Pick the day in the calendar or type it, e.g. %(day)s.") % {"day": date_label(today)},
                widget=DateInput(),
                error_messages={"required": _("Enter the day."), **DATE_ERRORS},
            )

    def clean_fiscal_year(self):
        value = self.cleaned_data["fiscal_year"].strip()
        if not re.fullmatch(r"[0-9]{4}", value):
            raise forms.ValidationError(_("Enter a year as four digits, e.g. 2025."))
        first, last = calculator.MIN_YEAR, calculator.max_year(self.today)
        if not first <= int(value) <= last:
            raise forms.ValidationError(
                _("The fiscal year must be between %(first)s and %(last)s.") % {"first": first, "last": last}
            )
        return int(value)

    def clean(self):
        value = self.cleaned_data.get(self.needed)
        if self.needed != calculator.FISCAL_YEAR and value is not None:
            first, last = calculator.MIN_YEAR, calculator.max_year(self.today)
            if not first <= value.year <= last:
                self.add_error(
                    self.needed,
                    _("The day must fall in the years %(first)s to %(last)s.") % {"first": first, "last": last},
                )
        return self.cleaned_data

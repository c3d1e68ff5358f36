"""The dashboard's filters."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from ..labels import HOP_LABELS, OUTCOME_LABELS, status_choices
from ..register.listing import ANY_LATE
from .base import DateInput

SORT_CHOICES = [
    ("", _("Status (what needs action first)")),
    ("due", _("Due date, earliest first")),
    ("-due", _("Due date, latest first")),
    ("duty", _("Duty")),
    ("fiscal_year", _("Fiscal year, latest first")),
    ("-fiscal_year", _("Fiscal year, earliest first")),
]


class ObligationFilterForm(forms.Form):
    """Dashboard filters. Choices come from the obligations that exist, so a fiscal
    year or duty outside the data is a form error (HTTP 400), not an empty page."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Enter a valid date (YYYY-MM-DD).")},
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("A duty, a document's title or a year"),
    )
    due_year = forms.TypedChoiceField(label=_("Year due"), required=False, coerce=int, empty_value=None)
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int, empty_value=None)
    duty = forms.ChoiceField(label=_("Duty"), required=False)
    party = forms.ChoiceField(label=_("Responsible party"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    # The compliance record's figures link here with these two (compliance/register/outcomes.py).
    hop = forms.ChoiceField(label=_("Hop"), required=False)
    outcome = forms.ChoiceField(label=_("Compliance record figure"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    what_if = forms.BooleanField(label=_("As if the 2024 amendment were in force"), required=False)
    what_if_from = forms.DateField(
        label=_("Assumed in force from"),
        required=False,
        widget=DateInput,
        help_text=_("Default: today."),
        error_messages={"invalid": _("Enter a valid date (YYYY-MM-DD).")},
    )

    def __init__(self, data, *, fiscal_years, rules, parties, due_years=(), **kwargs):
        super().__init__(data, **kwargs)
        all_label = [("", _("All"))]
        self.fields["due_year"].choices = all_label + [(y, str(y)) for y in due_years]
        self.fields["sort"].choices = SORT_CHOICES
        self.fields["fiscal_year"].choices = all_label + [(fy, str(fy)) for fy in fiscal_years]
        self.fields["duty"].choices = all_label + [(r.code, r.name) for r in rules]
        self.fields["party"].choices = all_label + [(p.code, p.name) for p in parties]
        self.fields["status"].choices = (
            all_label + [(ANY_LATE, _("Everything late (done late or not done)"))] + status_choices()
        )
        self.fields["hop"].choices = all_label + list(HOP_LABELS.items())
        self.fields["outcome"].choices = all_label + list(OUTCOME_LABELS.items())

    def clean_q(self):
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and not (datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31)):
            raise forms.ValidationError(_("The date must be between 2000 and 2100."))
        return value

"""The compliance record's choices: the as-at day, the fiscal years, and (signed in) what-if."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import DateInput

_DATE_ERRORS = {"invalid": _("Enter a valid date (YYYY-MM-DD).")}


class PerformanceForm(forms.Form):
    """The day the figures are as at (default today, Seoul) and the fiscal years shown.
    A bad value is a form error (HTTP 400), never ignored."""

    as_of = forms.DateField(label=_("As at"), required=False, widget=DateInput, error_messages=_DATE_ERRORS)
    from_fy = forms.IntegerField(label=_("From fiscal year"), required=False, min_value=2000, max_value=2100)
    to_fy = forms.IntegerField(label=_("To fiscal year"), required=False, min_value=2000, max_value=2100)
    what_if = forms.BooleanField(label=_("As if the 2024 amendment were in force"), required=False)
    what_if_from = forms.DateField(
        label=_("Assumed in force from"),
        required=False,
        widget=DateInput,
        help_text=_("Default: today."),
        error_messages=_DATE_ERRORS,
    )

    def __init__(self, data, *, public=False, **kwargs):
        super().__init__(data, **kwargs)
        if public:  # the public record is the law in force only
            del self.fields["what_if"], self.fields["what_if_from"]

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and not (datetime.date(2000, 1, 1) <= value <= datetime.date(2100, 12, 31)):
            raise forms.ValidationError(_("The date must be between 2000 and 2100."))
        return value

    def clean(self):
        data = super().clean()
        first, last = data.get("from_fy"), data.get("to_fy")
        if first and last and first > last:
            self.add_error("to_fy", _("The last fiscal year is before the first."))
        if data.get("what_if_from") and not data.get("what_if"):
            self.add_error("what_if_from", _("A date from which the amendment is assumed needs the what-if switch."))
        return data

"""The public register's search: words, the year a duty falls due, the duty, a plain status."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..register.relay import PLAIN_STATUSES, SUBJECTS, Search

SUBJECT_LABELS = {
    "plan": _("Business plan"),
    "results": _("Business results"),
    "settlement": _("Settlement statement"),
}
PLAIN_STATUS_LABELS = {
    "on_time": _("Done on time"),
    "late": _("Done late"),
    "not_done": _("Not done, past due"),
    "no_record": _("No record"),
    "not_due": _("Not due yet"),
}
assert set(SUBJECT_LABELS) == set(SUBJECTS) and set(PLAIN_STATUS_LABELS) == set(PLAIN_STATUSES)

PARAMETERS = {"q", "due_year", "duty", "status", "fiscal_year", "page"}


class PublicSearchForm(forms.Form):
    """Every field optional; a value outside the choices, or a parameter the page does
    not know, is an error in the reader's language (HTTP 400), never ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("For example: 2023 settlement, 사업계획서"),
    )
    due_year = forms.TypedChoiceField(label=_("Year due"), required=False, coerce=int, empty_value=None)
    duty = forms.ChoiceField(label=_("Duty"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Enter a year as four digits, e.g. 2025.")},
    )

    def __init__(self, data, *, due_years, **kwargs):
        super().__init__(data, **kwargs)
        every = [("", _("All"))]
        self.fields["due_year"].choices = every + [(y, str(y)) for y in due_years]
        self.fields["duty"].choices = every + list(SUBJECT_LABELS.items())
        self.fields["status"].choices = every + list(PLAIN_STATUS_LABELS.items())

    def clean_q(self):
        return " ".join(self.cleaned_data.get("q", "").split())

    def clean_fiscal_year(self):
        value = self.cleaned_data.get("fiscal_year")
        raw = (self.data.get("fiscal_year") or "").strip()
        if raw and not (len(raw) == 4 and raw.isdigit()):
            raise forms.ValidationError(_("Enter a year as four digits, e.g. 2025."))
        return value

    def clean(self):
        data = super().clean()
        unknown = sorted(set(self.data) - PARAMETERS)
        if unknown:
            raise forms.ValidationError(
                _("This page does not know %(names)s.") % {"names": ", ".join(unknown)}, code="unknown"
            )
        return data

    def search(self) -> Search:
        data = self.cleaned_data
        return Search(
            q=data.get("q") or "",
            due_year=data.get("due_year"),
            subject=data.get("duty") or None,
            status=data.get("status") or None,
            fiscal_year=data.get("fiscal_year"),
        )

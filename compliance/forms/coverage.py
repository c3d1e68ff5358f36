"""The form of a records-coverage period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import RecordCoverage
from .base import DATE_ERRORS, DateInput


class RecordCoverageForm(forms.ModelForm):
    class Meta:
        model = RecordCoverage
        fields = ["stream", "starts_on", "ends_on", "source", "note"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "source": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"starts_on": DATE_ERRORS, "ends_on": DATE_ERRORS}
        help_texts = {
            "source": _("Why these records are complete for the period (e.g. the table and report they come from)."),
        }

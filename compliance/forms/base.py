"""Building blocks shared by the forms: date input, one-time tokens, multiple files."""

import secrets

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..display import format_date
from ..labels import fiscal_year_label


class DateInput(forms.DateInput):
    """The browser's date picker, which shows the date in the reader's locale; its value is
    always ISO (2026-11-27), whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


DATE_ERRORS = {"invalid": _("Enter a valid date.")}


def new_token():
    return secrets.token_urlsafe(24)


class TokenForm(forms.Form):
    """A form that carries a one-time token against double submits."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", new_token())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.hwp,.hwpx,.docx,.xlsx,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d] or single(None, initial)
        return [single(data, initial)]


def doc_label(doc):
    """How a document reads in a choice list: title · kind · fiscal year · day received."""
    received = format_date(doc.submission.received_on, get_language() or "ko")
    return f"{doc.title} · {doc.get_kind_display()} · {fiscal_year_label(doc.fiscal_year)} · {received}"

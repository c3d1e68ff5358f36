"""The council packet request."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import DateInput, TokenForm


class PacketForm(TokenForm):
    """What to put in a council packet; `packet_request()` returns the domain request.

    Carries a one-time token: a double click records one build, not two."""

    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=[
            ("plan", _("Fiscal year: business plan")),
            ("results", _("Fiscal year: results and settlement")),
            ("range", _("Everything forwarded in a date range")),
        ],
    )
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"),
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": _("Enter a year such as 2024.")},
    )
    date_from = forms.DateField(
        label=_("Forwarded from"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Enter a valid date.")},
    )
    date_to = forms.DateField(
        label=_("Forwarded to"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": _("Enter a valid date.")},
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("ko", _("Korean")), ("en", _("English"))], initial="ko")
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput,
        help_text=_("Statuses and the law in force are taken on this day (default: today)."),
        error_messages={"invalid": _("Enter a valid date.")},
    )
    # The dashboard's what-if switch and date, carried over by its link to this form.
    what_if = forms.BooleanField(
        label=_("As if the 2024 amendment were in force"),
        required=False,
        help_text=_("A what-if packet is watermarked on every page and is never the official packet."),
    )
    what_if_from = forms.DateField(
        label=_("Assumed in force from"),
        required=False,
        widget=DateInput,
        help_text=_("Default: the packet's day."),
        error_messages={"invalid": _("Enter a valid date.")},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        from ..pdf.content import InvalidRequest, PacketRequest

        data = super().clean()
        # Fields a scope needs are reported on the field, with any other error, at once.
        scope = data.get("scope")
        if scope in ("plan", "results") and "fiscal_year" not in self.errors and data.get("fiscal_year") is None:
            self.add_error("fiscal_year", _("A fiscal year is required for this scope."))
        if scope == "range":
            for name in ("date_from", "date_to"):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, _("The range scope needs a start and an end date."))
        if self.errors:
            return data
        if data.get("as_of") and not (datetime.date(2000, 1, 1) <= data["as_of"] <= datetime.date(2100, 12, 31)):
            raise forms.ValidationError(_("The date must be between 2000 and 2100."))
        scope = data.get("scope")
        try:
            self._request = PacketRequest(
                scope=scope,
                as_of=data.get("as_of") or self.today,
                fiscal_year=data.get("fiscal_year"),
                date_from=data.get("date_from") if scope == "range" else None,
                date_to=data.get("date_to") if scope == "range" else None,
                language=data.get("language") or "ko",
                what_if=bool(data.get("what_if")),
                what_if_from=data.get("what_if_from") if data.get("what_if") else None,
            ).validate()
        except InvalidRequest as exc:
            raise forms.ValidationError(str(exc)) from None
        return data

    def packet_request(self):
        return self._request

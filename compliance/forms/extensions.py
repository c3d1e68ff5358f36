"""Forms of agreed extensions; the service (`compliance.services.extensions`) checks the
dates against the duty."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Document
from .base import DATE_ERRORS, DateInput, TokenForm, doc_label


class DocumentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return doc_label(obj)


class ExtensionForm(TokenForm):
    extended_to = forms.DateField(
        label=_("Agreed date"),
        widget=DateInput,
        error_messages=DATE_ERRORS,
        help_text=_("The new date the duty is judged against. The statutory due date does not change."),
    )
    basis = forms.CharField(
        label=_("Basis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("For example a clause of the funding agreement, or a Council decision."),
    )
    granted_by = forms.CharField(
        label=_("Granted by"), max_length=200, help_text=_("Who agreed to the new date, e.g. the Mayor.")
    )
    granted_on = forms.DateField(label=_("Granted on"), widget=DateInput, error_messages=DATE_ERRORS)
    document = DocumentField(
        label=_("Document (optional)"),
        queryset=Document.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a received document.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.select_related("submission").order_by(
            "-submission__received_on", "-pk"
        )


class WithdrawExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the extension withdrawn?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

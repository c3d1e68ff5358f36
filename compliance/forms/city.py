"""Forms of the city's acts; each returns plain values for a `do_*` service (the services
check the domain rules: dates, duplicates, fiscal years)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..labels import duplicate_forwarding_message, fiscal_year_label, forwarded_note
from ..models import CouncilSession, Document, Evaluation, ForwardingItem, InspectionRequest, Party
from ..rules.kinds import RESULTS_KINDS
from .base import DATE_ERRORS, DateInput, TokenForm, doc_label

DOCUMENT_NUMBER = re.compile(r"^[^\s\-][^\-]{0,40}-\d{1,8}$")


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _("No document was received with the id %(value)s."),
        "invalid_pk_value": _("“%(pk)s” is not a document id."),
    }

    def label_from_instance(self, obj):
        return doc_label(obj)


class GroupedDocumentChoiceField(DocumentChoiceField):
    """Documents grouped by fiscal year, newest first (one fieldset per year), each saying
    when it was already forwarded to the Council and under which number."""

    grouped = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.forwarded = {}  # document pk -> [(day, number)]

    def label_from_instance(self, obj):
        label = doc_label(obj)
        notes = [forwarded_note(day, number) for day, number in self.forwarded.get(obj.pk, ())]
        return f"{label} — {'; '.join(notes)}" if notes else label

    def _get_choices(self):
        groups = {}
        for doc in self.queryset:
            groups.setdefault(doc.fiscal_year, []).append((doc.pk, self.label_from_instance(doc)))
        return [(fiscal_year_label(fy), options) for fy, options in sorted(groups.items(), reverse=True)]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class ForwardingForm(TokenForm):
    forwarded_on = forms.DateField(label=_("Forwarded on"), widget=DateInput, error_messages=DATE_ERRORS)
    document_number = forms.CharField(
        label=_("Official document number"),
        max_length=64,
        required=False,
        help_text=_("As on the cover letter, e.g. 디지털정책담당관-4880."),
    )
    documents = GroupedDocumentChoiceField(
        label=_("Documents forwarded together"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one received document.")},
        help_text=_("Grouped by fiscal year. A document already forwarded says when and under which number."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        forwarded = {}
        for item in (
            ForwardingItem.objects.filter(document__isnull=False)
            .select_related("forwarding")
            .order_by("forwarding__forwarded_on", "pk")
        ):
            forwarded.setdefault(item.document_id, []).append(
                (item.forwarding.forwarded_on, item.forwarding.document_number)
            )
        self.fields["documents"].forwarded = forwarded
        # Set after `forwarded`: assigning the queryset renders the choices' labels.
        self.fields["documents"].queryset = Document.objects.select_related("submission").order_by(
            "-fiscal_year", "-submission__received_on", "-pk"
        )

    def clean(self):
        """The same document is not forwarded twice on one day (the service checks it again
        under a lock)."""
        data = super().clean()
        day, documents = data.get("forwarded_on"), data.get("documents")
        if day and documents:
            forwarded = self.fields["documents"].forwarded
            for doc in documents:
                same_day = [number for d, number in forwarded.get(doc.pk, ()) if d == day]
                if same_day:
                    self.add_error("documents", duplicate_forwarding_message(doc.title, day, same_day[0]))
                    break
        return data

    def clean_document_number(self):
        value = self.cleaned_data["document_number"].strip()
        if value and not DOCUMENT_NUMBER.match(value):
            raise ValidationError(_("Write the number as on the document, e.g. 디지털정책담당관-4880."))
        return value


class CommitteeReportForm(TokenForm):
    committee = forms.ModelChoiceField(label=_("Standing committee"), queryset=Party.objects.none())
    session = forms.ModelChoiceField(label=_("Council session"), queryset=CouncilSession.objects.none(), required=False)
    reported_on = forms.DateField(label=_("Reported on"), widget=DateInput, error_messages=DATE_ERRORS)
    documents = DocumentChoiceField(
        label=_("Documents reported"), queryset=Document.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = Party.objects.filter(kind=Party.Kind.COMMITTEE).order_by("-effective_from")
        self.fields["session"].queryset = CouncilSession.objects.order_by("-starts_on")
        self.fields["documents"].queryset = (
            Document.objects.filter(forwarding_items__isnull=False)
            .distinct()
            .select_related("submission")
            .order_by("-submission__received_on", "-pk")
        )


class DelayReasonForm(TokenForm):
    obligation_key = forms.CharField(widget=forms.HiddenInput, max_length=120)
    reason = forms.CharField(label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class EvaluationForm(TokenForm):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year evaluated"), error_messages={"invalid": _("Enter the fiscal year as a number, e.g. 2026.")}
    )
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=DateInput, error_messages=DATE_ERRORS)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Evaluation.Outcome.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    measures = forms.CharField(
        label=_("Measures (e.g. suspending support)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
    )
    documents = DocumentChoiceField(
        label=_("Results and settlement evaluated"),
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = (
            Document.objects.filter(kind__in=RESULTS_KINDS).select_related("submission").order_by("-fiscal_year", "-pk")
        )


class InspectionForm(TokenForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionRequest.Kind.choices)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year concerned"),
        required=False,
        error_messages={"invalid": _("Enter the fiscal year as a number, e.g. 2026.")},
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput, error_messages=DATE_ERRORS)
    subject = forms.CharField(label=_("Subject"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput, required=False, error_messages=DATE_ERRORS)

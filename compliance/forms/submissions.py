"""WeGO's submission form; it returns `DocSpec`s for `services.do_receive_submission`."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..dataio.uploads import check_size, validate_upload
from ..models import Document, DocumentKind
from ..rules.kinds import PLAN_KINDS
from ..services import DocSpec
from .base import MultipleFileField, TokenForm, doc_label

SUBMITTABLE_KINDS = [c for c in DocumentKind.choices if c[0] != DocumentKind.OTHER]


class SupersedesField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return doc_label(obj)


class SubmissionForm(TokenForm):
    kind = forms.ChoiceField(label=_("Document"), choices=SUBMITTABLE_KINDS)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"), error_messages={"invalid": _("Enter the fiscal year as a number, e.g. 2026.")}
    )
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("Leave empty for a standard title.")
    )
    supersedes = SupersedesField(
        label=_("Replaces (for a revised plan)"),
        queryset=Document.objects.none(),
        required=False,
        help_text=_(
            "A revised resubmission (수정제출) names the version it replaces; the first receipt still fulfils the duty."
        ),
    )
    files = MultipleFileField(label=_("Files"), help_text=_("PDF, HWP, HWPX, DOCX, XLSX or a ZIP of these."))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supersedes"].queryset = (
            Document.objects.filter(kind__in=PLAN_KINDS)
            .select_related("submission")
            .order_by("-fiscal_year", "-submission__received_on", "-pk")
        )
        limit = settings.WEGO_MAX_UPLOAD_BYTES // (1024 * 1024)
        self.fields["files"].help_text = _(
            "PDF, HWP, HWPX, DOCX, XLSX or a ZIP of these; at most %(mb)s MB each. The type is checked from the content."
        ) % {"mb": limit}

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > settings.WEGO_MAX_FILES_PER_SUBMISSION:
            raise ValidationError(
                _("Attach at most %(n)s files.") % {"n": settings.WEGO_MAX_FILES_PER_SUBMISSION}, code="too_many"
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                check_size(upload.name, upload.size)  # before reading the content into memory
                checked.append(validate_upload(upload.name, upload.read()))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return checked

    def doc_spec(self):
        data = self.cleaned_data
        title = data["title"].strip()
        if not title:
            with translation.override("ko"):
                title = f"{data['fiscal_year']}년도 {dict(DocumentKind.choices)[data['kind']]}"
        return DocSpec(
            kind=data["kind"],
            fiscal_year=data["fiscal_year"],
            title=title,
            files=data["files"],
            supersedes=data.get("supersedes"),
        )

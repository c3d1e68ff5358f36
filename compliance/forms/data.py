"""The record import form and the export form of obligations as of a day."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from ..dataio.exports import FORMATS
from ..dataio.resources import IMPORTABLE, RESOURCES
from .base import DATE_ERRORS, DateInput


class ImportForm(forms.Form):
    resource = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(
        required=False,  # a file kept from a refused check may be checked again
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy(
            "CSV in UTF-8 or CP949/EUC-KR, or an Excel .xlsx workbook. English or Korean column names."
        ),
    )

    def __init__(self, *args, kept_name=None, **kwargs):
        """`kept_name`: the file kept from the last check, used when no other is chosen."""
        super().__init__(*args, **kwargs)
        self.kept_name = kept_name
        self.fields["resource"].choices = [(name, RESOURCES[name].verbose_name) for name in IMPORTABLE]
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"
        if kept_name:
            self.fields["file"].label = _("Another file (optional)")
            self.fields["file"].help_text = _(
                "Leave this empty to check “%(name)s” again, the file you chose before."
            ) % {"name": kept_name}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            if not self.kept_name:
                raise forms.ValidationError(_("Choose a file."))
            return None
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
                % {"size": round(upload.size / 2**20, 1), "max": settings.IMPORT_MAX_BYTES // 2**20}
            )
        return upload


class ObligationsExportForm(forms.Form):
    """Obligations as of another day (GET): the day, the file format, Korean column names."""

    as_of = forms.DateField(label=_("As of"), widget=DateInput, error_messages=DATE_ERRORS)
    format = forms.ChoiceField(label=_("Format"), choices=[(f, f.upper()) for f in FORMATS])
    korean = forms.BooleanField(label=_("Korean column names"), required=False)

"""The record import form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from ..dataio.resources import IMPORTABLE, RESOURCES


class ImportForm(forms.Form):
    resource = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy(
            "CSV in UTF-8 or CP949/EUC-KR, or an Excel .xlsx workbook. English or Korean column names."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].choices = [(name, RESOURCES[name].verbose_name) for name in IMPORTABLE]
        self.fields["resource"].widget.attrs["class"] = "krds-form-select medium"
        self.fields["file"].widget.attrs.update({"class": "krds-input", "accept": ".csv,.xlsx,text/csv"})

    def clean_file(self):

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
                % {"size": round(upload.size / 2**20, 1), "max": settings.IMPORT_MAX_BYTES // 2**20}
            )
        return upload

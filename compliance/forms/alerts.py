"""Alert preferences."""

from django import forms
from django.utils.translation import gettext_lazy

from ..models import AlertPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = AlertPreference
        fields = ["mode", "language"]
        widgets = {"mode": forms.RadioSelect}
        labels = {"mode": gettext_lazy("Alert e-mails"), "language": gettext_lazy("Language of e-mails and calendar")}

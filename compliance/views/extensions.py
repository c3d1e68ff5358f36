"""Agreed extensions on the obligation page: record one, withdraw one (the Digital Policy
Officer and administrators). Thin: the service checks everything; a refused form is shown
again with its messages and HTTP 400."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import audit, services
from ..access import CITY, role_required
from ..display import date_label
from ..forms.extensions import ExtensionForm, WithdrawExtensionForm
from ..models import Extension
from .common import apply_errors


def _obligation_url(key):
    return reverse("obligation_detail", args=[key]) + "#extension-heading"


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def extension_new(request, key):
    form = ExtensionForm(request.POST or None, initial={"granted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.do_record_extension(
                by=request.user,
                obligation_key=key,
                extended_to=data["extended_to"],
                basis=data["basis"],
                granted_by=data["granted_by"],
                granted_on=data["granted_on"],
                document=data["document"],
                token=data["form_token"],
                ip=audit.client_ip(request),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if outcome.created:
                messages.success(request, _("The agreed extension was recorded."))
            else:
                messages.info(request, _("This form was already submitted; it was recorded once."))
            return redirect(_obligation_url(key))
    context = {
        "form": form,
        "title": _("Record an agreed extension"),
        "lead": _(
            "Obligation: %(key)s. The statutory due date stays as it is; the status is judged against the "
            "agreed date and says both."
        )
        % {"key": key},
        "next_url": _obligation_url(key),
    }
    return render(
        request, "compliance/workflow/record_form.html", context, status=400 if request.method == "POST" else 200
    )


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def extension_withdraw(request, pk):
    extension = get_object_or_404(Extension, pk=pk)
    form = WithdrawExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_withdraw_extension(
                by=request.user, extension=extension, reason=form.cleaned_data["reason"], ip=audit.client_ip(request)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The agreed extension was withdrawn."))
            return redirect(_obligation_url(extension.obligation_key))
    context = {
        "form": form,
        "title": _("Withdraw an agreed extension"),
        "lead": _("Obligation: %(key)s. Agreed date: %(day)s. The extension is kept, marked withdrawn.")
        % {"key": extension.obligation_key, "day": date_label(extension.extended_to)},
        "next_url": _obligation_url(extension.obligation_key),
    }
    return render(
        request, "compliance/workflow/record_form.html", context, status=400 if request.method == "POST" else 200
    )

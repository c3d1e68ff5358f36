"""Browser import (upload -> dry-run report -> confirm) and export downloads.

Import is for the Digital Policy Officer and administrators; export for every user
with a role. The uploaded file waits between the dry run and the confirmation in the
private blob storage, named by its SHA-256 in a signed, expiring token, so what is
confirmed is exactly what was checked.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .dataio import CONTENT_TYPES, FORMATS, do_import_records, export_filename, export_records
from .resources import IMPORTABLE, RESOURCES
from .roles import ADMIN, DPO, has_role, role_of
from .storage import delete_blob, open_blob, store_bytes

TOKEN_SALT = "compliance.import"
TOKEN_MAX_AGE = 3600


def can_import(user):
    return has_role(user, DPO, ADMIN)


def can_export(user):
    return role_of(user) is not None


def _check_export(user):
    if not can_export(user):
        raise PermissionDenied(_("Your account has no role that may export records."))


def _check_import(user):
    if not can_import(user):
        raise PermissionDenied(_("Only the Digital Policy Officer and administrators may import records."))


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
        from django.conf import settings

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(max)s MB can be imported at once.")
                % {"size": round(upload.size / 2**20, 1), "max": settings.IMPORT_MAX_BYTES // 2**20}
            )
        return upload


def _resources_for_page():
    return [
        {"name": name, "label": cls.verbose_name, "importable": name in IMPORTABLE} for name, cls in RESOURCES.items()
    ]


@login_required
def data_home(request):
    _check_export(request.user)
    context = {
        "resources": _resources_for_page(),
        "can_import": can_import(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "compliance/data/index.html", context)


@login_required
def export_download(request, resource):
    _check_export(request.user)
    fmt = request.GET.get("format", "csv")
    if resource not in RESOURCES or fmt not in FORMATS:
        return render(
            request,
            "compliance/error.html",
            {"message": _("Unknown export: choose one of the listed records and CSV or XLSX.")},
            status=404 if resource not in RESOURCES else 400,
        )
    as_of = timezone.localdate()
    if request.GET.get("as_of"):
        try:
            as_of = forms.DateField().clean(request.GET["as_of"])
        except forms.ValidationError:
            return render(
                request, "compliance/error.html", {"message": _("Enter a valid date (YYYY-MM-DD).")}, status=400
            )
    korean = request.GET.get("korean") in {"1", "on", "true"}
    data, _headers, _count = export_records(resource, fmt, korean_headers=korean, as_of=as_of)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(resource, fmt, as_of)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request):
    _check_import(request.user)
    context = {"resources": _resources_for_page()}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            name = form.cleaned_data["resource"]
            report = do_import_records(name, data, upload.name, dry_run=True)
            context["report"] = report
            if report.ok:
                sha, _size, created = store_bytes(data)
                context["token"] = signing.dumps(
                    {
                        "sha": sha,
                        "resource": name,
                        "filename": upload.name,
                        "user": request.user.pk,
                        "created": created,
                    },
                    salt=TOKEN_SALT,
                )
            else:
                status = 400
        else:
            status = 400
    context["form"] = form
    return render(request, "compliance/data/import.html", context, status=status)


def _confirm(request, context):
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        if payload["user"] != request.user.pk or payload["resource"] not in IMPORTABLE:
            raise signing.BadSignature
        with open_blob(payload["sha"]) as fh:
            data = fh.read()
    except (signing.BadSignature, KeyError, TypeError, ValueError, OSError):
        context["form"] = ImportForm()
        context["error"] = _("This confirmation has expired or is not valid. Upload the file again.")
        return render(request, "compliance/data/import.html", context, status=400)
    # Checked again inside the same transaction that saves: the records may have
    # changed since the dry run.
    report = do_import_records(payload["resource"], data, payload["filename"], dry_run=False)
    if report.applied and payload.get("created"):
        delete_blob(payload["sha"])
    context.update({"form": ImportForm(), "report": report})
    return render(request, "compliance/data/import.html", context, status=200 if report.applied else 400)

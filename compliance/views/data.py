"""Import and export of records in the browser (the DPO imports; every role exports)."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import (
    can_import,
    check_export,
    check_import,
)
from ..dataio import pending
from ..dataio.exports import CONTENT_TYPES, FORMATS, export_filename, export_records
from ..dataio.resources import IMPORTABLE, RESOURCES
from ..forms.data import ImportForm, ObligationsExportForm
from ..models import ImportJob
from ..services.import_jobs import do_queue_import, do_request_import, report_from_dict
from ..services.imports import do_import_records
from .common import redirect_after_post

TOKEN_SALT = "compliance.import"
KEPT_SALT = "compliance.import.kept"  # a file kept after a refused check


def token_max_age():
    # The pending file is swept after the same time (settings.IMPORT_PENDING_MAX_AGE).
    from django.conf import settings

    return settings.IMPORT_PENDING_MAX_AGE


def _resources_for_page():
    return [
        {"name": name, "label": cls.verbose_name, "importable": name in IMPORTABLE} for name, cls in RESOURCES.items()
    ]


def _data_page(request, export_form=None, status=200):
    today = timezone.localdate()
    context = {
        "resources": _resources_for_page(),
        "can_import": can_import(request.user),
        "today": today,
        "export_form": export_form or ObligationsExportForm(initial={"as_of": today, "format": "csv"}),
    }
    return render(request, "compliance/data/index.html", context, status=status)


@login_required
def data_home(request):
    check_export(request.user)
    return _data_page(request)


@login_required
def export_download(request, resource):
    check_export(request.user)
    fmt = request.GET.get("format", "csv")
    if resource not in RESOURCES or fmt not in FORMATS:
        return render(
            request,
            "compliance/error.html",
            {"message": _("Unknown export: choose one of the listed records and CSV or XLSX.")},
            status=404 if resource not in RESOURCES else 400,
        )
    as_of = timezone.localdate()
    if "as_of" in request.GET:  # the form on the data page, or a list page's export link
        export_form = ObligationsExportForm({"format": fmt, **request.GET.dict()})
        if not export_form.is_valid():
            return _data_page(request, export_form, status=400)
        as_of = export_form.cleaned_data["as_of"]
    korean = request.GET.get("korean") in {"1", "on", "true"}
    what_if = request.GET.get("what_if") in {"1", "on", "true"}
    what_if_from = None
    if what_if and request.GET.get("what_if_from"):
        try:
            what_if_from = forms.DateField().clean(request.GET["what_if_from"])
        except forms.ValidationError:
            return render(
                request, "compliance/error.html", {"message": _("Enter a valid date (YYYY-MM-DD).")}, status=400
            )
    data, _headers, _count = export_records(
        resource, fmt, korean_headers=korean, as_of=as_of, what_if=what_if, what_if_from=what_if_from
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    filename = export_filename(resource, fmt, as_of)
    if what_if and resource == "obligations":
        filename = filename.replace("wego-obligations-", "wego-obligations-what-if-")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _kept_file(request):
    """(data, filename, ref, sha) of the file a refused check kept for this user, or None."""
    token = request.POST.get("kept", "")
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=KEPT_SALT, max_age=token_max_age())
        if payload["user"] != request.user.pk:
            raise signing.BadSignature
        return pending.take(payload["ref"], payload["sha"]), payload["filename"], payload["ref"], payload["sha"]
    except (signing.BadSignature, KeyError, TypeError, ValueError, OSError):
        return None


def _keep_for_another_check(request, context, data, filename, kept):
    """After a refused check the chosen file is kept, so the user can check it again (with
    another kind of record, or after fixing a record it refers to) without choosing it again."""
    ref, sha = (kept[2], kept[3]) if kept else pending.keep(data)
    context["kept"] = signing.dumps(
        {"ref": ref, "sha": sha, "filename": filename, "user": request.user.pk}, salt=KEPT_SALT
    )
    context["kept_name"] = filename


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request):
    check_import(request.user)
    context = {"resources": _resources_for_page()}
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, context)
    initial = {"resource": request.GET["resource"]} if request.GET.get("resource") in IMPORTABLE else None
    kept = _kept_file(request) if request.method == "POST" else None
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial, kept_name=kept and kept[1])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload:
                data, filename, kept = upload.read(), upload.name, None
            else:
                data, filename = kept[0], kept[1]
            name = form.cleaned_data["resource"]
            if len(data) > settings.WEGO_IMPORT_SYNC_MAX_BYTES:  # a worker checks it, with progress
                job = do_request_import(request.user, name, data, filename, dry_run=True)
                do_queue_import(job)
                return redirect_after_post(request, job)
            report = do_import_records(name, data, filename, dry_run=True)
            context["report"] = report
            if report.ok:
                ref, sha = (kept[2], kept[3]) if kept else pending.keep(data)
                context["token"] = signing.dumps(
                    {"ref": ref, "sha": sha, "resource": name, "filename": filename, "user": request.user.pk},
                    salt=TOKEN_SALT,
                )
            else:
                _keep_for_another_check(request, context, data, filename, kept)
                form = ImportForm(initial={"resource": name}, kept_name=filename)
                status = 400
        else:
            if kept:
                _keep_for_another_check(request, context, None, kept[1], kept)
            status = 400
    context["form"] = form
    return render(request, "compliance/data/import.html", context, status=status)


def _confirm(request, context):
    try:
        payload = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=token_max_age())
        if payload["user"] != request.user.pk or payload["resource"] not in IMPORTABLE:
            raise signing.BadSignature
        data = pending.take(payload["ref"], payload["sha"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, OSError):
        context["form"] = ImportForm()
        context["form_error"] = _("This confirmation has expired or is not valid. Upload the file again.")
        return render(request, "compliance/data/import.html", context, status=400)
    if len(data) > settings.WEGO_IMPORT_SYNC_MAX_BYTES:  # a worker imports it, with progress
        job = do_request_import(
            request.user, payload["resource"], data, payload["filename"], dry_run=False, ref=payload["ref"]
        )
        do_queue_import(job)
        return redirect_after_post(request, job)
    # Checked again inside the same transaction that saves: the records may have
    # changed since the dry run.
    report = do_import_records(payload["resource"], data, payload["filename"], dry_run=False)
    if report.applied:
        pending.discard(payload["ref"])
    context.update({"form": ImportForm(), "report": report})
    return render(request, "compliance/data/import.html", context, status=200 if report.applied else 400)


def _confirm_token(user, ref, sha, resource, filename):
    """What the confirmation posts back: exactly the file that was checked, signed and expiring."""
    return signing.dumps(
        {"ref": ref, "sha": sha, "resource": resource, "filename": filename, "user": user.pk}, salt=TOKEN_SALT
    )


@login_required
def import_job(request, pk):
    """A background import: its progress (HTMX polls the partial), then its report and,
    after a successful check, the confirmation."""
    check_import(request.user)
    jobs = ImportJob.objects.all() if request.user.is_superuser else ImportJob.objects.filter(requested_by=request.user)
    job = get_object_or_404(jobs, pk=pk)
    context = {"job": job, "resources": _resources_for_page()}
    if job.state == ImportJob.State.DONE and job.report is not None:
        context["report"] = report_from_dict(job.report)
        if job.dry_run and context["report"].ok:
            context["token"] = _confirm_token(request.user, job.pending_ref, job.sha256, job.resource, job.filename)
    if request.htmx:
        return render(request, "compliance/data/_import_job_status.html", context)
    return render(request, "compliance/data/import_job.html", context)

"""What the records cover: everyone who reads obligations sees it; the city keeps it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import audit
from ..access import CITY, SUBMISSION_READERS, role_required
from ..forms.coverage import RecordCoverageForm
from ..models import RecordCoverage
from ..roles import has_role
from ..services.coverage import FIELDS, do_save_coverage
from .common import apply_errors


@role_required(*SUBMISSION_READERS)
def coverage_list(request):
    rows = RecordCoverage.objects.order_by("stream", "starts_on")
    return render(
        request,
        "compliance/coverage/list.html",
        {"rows": rows, "can_edit": has_role(request.user, *CITY)},
    )


@role_required(*CITY)
@require_http_methods(["GET", "POST"])
def coverage_edit(request, pk=None):
    row = get_object_or_404(RecordCoverage, pk=pk) if pk else None
    form = RecordCoverageForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in FIELDS}
        try:
            do_save_coverage(by=request.user, ip=audit.client_ip(request), coverage=row, **values)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The records coverage was saved."))
            return redirect("coverage_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "compliance/coverage/form.html", {"form": form, "row": row}, status=status)

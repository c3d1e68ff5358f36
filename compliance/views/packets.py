"""Council packets: the list, a build request, its progress and the download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from .. import audit
from ..access import builds_for_user, can_build_packets, can_retry_build, get_build_for_user, get_build_to_retry
from ..forms.base import new_token
from ..forms.filters import PacketFilter
from ..forms.packets import PacketForm
from ..models import (
    PacketBuild,
    ReadLogEntry,
)
from ..pdf.content import EmptyScope, PacketError
from ..services import review
from ..services.packets import do_queue_build, do_request_packet, do_retry_packet, run_build
from ..storage import open_blob
from .tables import PacketTable, list_page


def _list_context(request, form):
    builds = builds_for_user(request.user).select_related("requested_by")
    # Prefixed: the build form on the same page has fields of the same names.
    filterset, table = list_page(request, builds, PacketFilter, PacketTable, prefix="filter")
    return {"filter": filterset, "table": table, "form": form, "can_build": can_build_packets(request.user)}


@login_required
def packet_list(request):
    form = None
    if can_build_packets(request.user):
        # Reached from the dashboard in what-if mode: the switch and its date come along.
        initial = {
            "what_if": request.GET.get("what_if") == "1",
            "what_if_from": request.GET.get("what_if_from") or None,
        }
        form = PacketForm(today=timezone.localdate(), initial=initial)
    return render(request, "compliance/packets/list.html", _list_context(request, form))


@login_required
@require_POST
def packet_create(request):
    if not can_build_packets(request.user):
        raise PermissionDenied
    form = PacketForm(request.POST, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "compliance/packets/list.html", _list_context(request, form), status=400)
    try:
        build, estimate, created = do_request_packet(
            request.user, form.packet_request(), token=form.cleaned_data["form_token"]
        )
    except (EmptyScope, PacketError, ValidationError) as exc:
        form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return render(request, "compliance/packets/list.html", _list_context(request, form), status=400)
    if created:
        _start(build, estimate)
    return redirect(build)


@login_required
@require_POST
def packet_retry(request, pk):
    """Build a failed packet again, as a new version with the same parameters."""
    failed = get_build_to_retry(request.user, pk)
    if failed.state != PacketBuild.State.FAILED:
        return redirect(failed)
    try:
        build, estimate, created = do_retry_packet(request.user, failed, token=request.POST.get("form_token", ""))
    except (EmptyScope, PacketError, ValidationError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect(failed)
    if created:
        _start(build, estimate)
    return redirect(build)


def _start(build, estimate):
    """Small packets are built now; larger ones go to a worker (or wait for one, recorded).
    A report (no estimate) was queued when it was recorded."""
    if estimate is None:
        return
    if estimate <= settings.WEGO_PACKET_SYNC_MAX_PAGES:
        run_build(build.pk)
    else:
        do_queue_build(build)


@login_required
def packet_detail(request, pk):
    build = get_build_for_user(request.user, pk)
    context = {
        "build": build,
        "can_build": can_retry_build(request.user, build),
        "retry_token": new_token(),
        "report_back": report_back_url(build),
    }
    if request.htmx:
        return render(request, "compliance/packets/_build_status.html", context)
    return render(request, "compliance/packets/detail.html", context)


def report_back_url(build):
    """For an annual report: the compliance record it was asked from (same choices)."""
    if build.scope != PacketBuild.Scope.REPORT:
        return ""
    query = {"as_of": build.as_of.isoformat()}
    if build.from_fiscal_year:
        query["from_fy"] = build.from_fiscal_year
    if build.to_fiscal_year:
        query["to_fy"] = build.to_fiscal_year
    if build.what_if:
        query.update(what_if=1, what_if_from=build.what_if_from.isoformat() if build.what_if_from else "")
    return f"{reverse('performance')}?{urlencode(query)}"


@login_required
def packet_download(request, pk):
    build = get_build_for_user(request.user, pk)
    if build.state != PacketBuild.State.DONE or not build.sha256:
        raise Http404
    try:
        handle = open_blob(build.sha256)
    except OSError:
        raise Http404 from None
    review.do_log_read(
        by=request.user, ip=audit.client_ip(request), kind=ReadLogEntry.Kind.PACKET, name=build.filename, packet=build
    )
    return FileResponse(handle, as_attachment=True, filename=build.filename, content_type="application/pdf")

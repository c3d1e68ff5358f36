"""Council packets: the list, a build request, its progress and the download."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..access import builds_for_user, can_build_packets, get_build_for_user
from ..forms.filters import PacketFilter
from ..forms.packets import PacketForm
from ..models import (
    PacketBuild,
)
from ..pdf.content import EmptyScope, PacketError
from ..services.packets import do_queue_build, do_request_packet, run_build
from ..storage import open_blob
from .tables import PacketTable, list_page


def _list_context(request, form):
    builds = builds_for_user(request.user).select_related("requested_by")
    # Prefixed: the build form on the same page has fields of the same names.
    filterset, table = list_page(request, builds, PacketFilter, PacketTable, prefix="filter")
    return {"filter": filterset, "table": table, "form": form, "can_build": can_build_packets(request.user)}


@login_required
def packet_list(request):
    form = PacketForm(today=timezone.localdate()) if can_build_packets(request.user) else None
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
        build, estimate = do_request_packet(request.user, form.packet_request())
    except EmptyScope as exc:
        form.add_error(None, str(exc))
        return render(request, "compliance/packets/list.html", _list_context(request, form), status=400)
    except PacketError as exc:
        form.add_error(None, str(exc))
        return render(request, "compliance/packets/list.html", _list_context(request, form), status=400)
    if estimate <= settings.WEGO_PACKET_SYNC_MAX_PAGES:
        run_build(build.pk)
    else:
        do_queue_build(build)
    return redirect(build)


@login_required
def packet_detail(request, pk):
    build = get_build_for_user(request.user, pk)
    context = {"build": build, "can_build": can_build_packets(request.user)}
    if request.htmx:
        return render(request, "compliance/packets/_build_status.html", context)
    return render(request, "compliance/packets/detail.html", context)


@login_required
def packet_download(request, pk):
    build = get_build_for_user(request.user, pk)
    if build.state != PacketBuild.State.DONE or not build.sha256:
        raise Http404
    try:
        handle = open_blob(build.sha256)
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=build.filename, content_type="application/pdf")

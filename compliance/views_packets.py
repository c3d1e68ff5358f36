"""Council submission packets in the browser: request, follow the build, download.

Only the Digital Policy Officer and administrators make packets; council staff may see
and download finished ones. Small packets are built during the request; larger ones run
as a Celery task and the page polls a status partial with HTMX.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import roles
from .forms import PacketForm
from .models import PacketBuild
from .packets import EmptyScope, PacketError, do_request_packet, run_build
from .storage import open_blob

BUILDERS = (roles.DPO, roles.ADMIN)
READERS = (roles.DPO, roles.ADMIN, roles.COUNCIL_STAFF)


def _can_build(user):
    return roles.has_role(user, *BUILDERS)


def _builds_for_user(user):
    """The builds this user may see; PermissionDenied for roles that see none."""
    if _can_build(user):
        return PacketBuild.objects.all()
    if roles.has_role(user, roles.COUNCIL_STAFF):
        return PacketBuild.objects.filter(state=PacketBuild.State.DONE)
    raise PermissionDenied


def _get_build_for_user(user, pk):
    return get_object_or_404(_builds_for_user(user), pk=pk)


def _list_context(request, form):
    builds = _builds_for_user(request.user).select_related("requested_by")[:50]
    return {"builds": builds, "form": form, "can_build": _can_build(request.user)}


@login_required
def packet_list(request):
    form = PacketForm(today=timezone.localdate()) if _can_build(request.user) else None
    return render(request, "compliance/packets/list.html", _list_context(request, form))


@login_required
@require_POST
def packet_create(request):
    if not _can_build(request.user):
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
        from .tasks import build_packet

        transaction.on_commit(lambda: build_packet.delay(build.pk))
    return redirect(build)


@login_required
def packet_detail(request, pk):
    build = _get_build_for_user(request.user, pk)
    context = {"build": build, "can_build": _can_build(request.user)}
    if request.htmx:
        return render(request, "compliance/packets/_build_status.html", context)
    return render(request, "compliance/packets/detail.html", context)


@login_required
def packet_download(request, pk):
    build = _get_build_for_user(request.user, pk)
    if build.state != PacketBuild.State.DONE or not build.sha256:
        raise Http404
    try:
        handle = open_blob(build.sha256)
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=build.filename, content_type="application/pdf")

"""Council packets, the write side: record a requested build, run it, keep the PDF.

A build is a `PacketBuild` row; small packets are built within the request, large ones
by a worker (`compliance.queue`). With the broker down the row stays queued and the user
is told it waits; the worker's start-up (`compliance.tasks`) and the next alert scan
queue it again.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import queue
from ..models import PacketBuild
from ..pdf.build import build as build_packet_pdf
from ..pdf.content import PacketError, PacketRequest, collect, estimate_pages
from ..storage import store_bytes

logger = logging.getLogger(__name__)

WAITING_NOTE = gettext_lazy(
    "The build queue is not reachable right now; the packet is recorded and will be built as soon as it is back."
)

# A queued build older than this with no worker on it is queued again by the scan.
WAITING_AFTER = datetime.timedelta(minutes=5)


def request_from_build(build) -> PacketRequest:
    return PacketRequest(
        scope=build.scope,
        as_of=build.as_of,
        fiscal_year=build.fiscal_year,
        date_from=build.date_from,
        date_to=build.date_to,
        language=build.language,
    )


def do_request_packet(user, req: PacketRequest):
    """Record a new version of the packet for `req`; (build, estimated pages).

    Raises `InvalidRequest`/`EmptyScope` before anything is saved. The caller builds it
    now (`run_build`) or queues `compliance.tasks.build_packet` on commit.
    """
    with translation.override(req.language):
        content = collect(req.validate())
    estimate = estimate_pages(content)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = PacketBuild.objects.filter(params_key=req.params_key).aggregate(v=Max("version"))["v"]
                build = PacketBuild.objects.create(
                    scope=req.scope,
                    fiscal_year=req.fiscal_year,
                    date_from=req.date_from,
                    date_to=req.date_to,
                    language=req.language,
                    as_of=req.as_of,
                    params_key=req.params_key,
                    version=(latest or 0) + 1,
                    requested_by=user if getattr(user, "is_authenticated", False) else None,
                )
            return build, estimate
        except IntegrityError:  # two requests took the same version number; take the next
            continue
    raise PacketError(_("The packet could not be recorded; please try again."))


def run_build(build_id: int):
    """Build a queued packet and keep the PDF. Idempotent: only a queued build is claimed."""
    builds = PacketBuild.objects.filter(pk=build_id)
    # Claim with a conditional update that must change exactly one row, so a task
    # delivered twice builds once.
    if (
        builds.filter(state=PacketBuild.State.QUEUED).update(
            state=PacketBuild.State.RUNNING, started_at=timezone.now(), progress=1
        )
        != 1
    ):
        return builds.first()
    build = builds.get()

    def progress(percent, note):
        builds.update(progress=min(percent, 99), progress_note=str(note)[:200])

    try:
        built = build_packet_pdf(request_from_build(build), progress)
    except PacketError as exc:
        builds.update(state=PacketBuild.State.FAILED, error=str(exc), finished_at=timezone.now())
        return builds.get()
    except Exception:
        logger.exception("packet build %s failed", build_id)
        with translation.override(build.language):
            message = _("The packet could not be built because of an internal error; it has been logged.")
        builds.update(state=PacketBuild.State.FAILED, error=message, finished_at=timezone.now())
        return builds.get()
    sha256, size, _created = store_bytes(built.pdf)
    builds.update(
        state=PacketBuild.State.DONE,
        progress=100,
        progress_note="",
        sha256=sha256,
        size=size,
        page_count=built.page_count,
        manifest_hash=built.manifest_hash,
        finished_at=timezone.now(),
    )
    return builds.get()


def do_queue_build(build) -> None:
    """Queue a recorded build for a worker once the transaction commits. When the broker is
    down the build stays queued with a note saying it waits for the queue; the worker's
    start-up and the alert scan queue it again (`waiting_builds`)."""
    build_id, language = build.pk, build.language

    def send():
        if not queue.enqueue(queue.BUILD_PACKET, build_id):
            with translation.override(language):
                note = str(WAITING_NOTE)
            PacketBuild.objects.filter(pk=build_id, state=PacketBuild.State.QUEUED).update(progress_note=note[:200])

    transaction.on_commit(send)


def waiting_builds(now=None) -> list[int]:
    """Builds still queued a while after they were requested: their message was lost or
    never sent (broker down). Queued again by the scan and at worker start."""
    now = now or timezone.now()
    return list(
        PacketBuild.objects.filter(state=PacketBuild.State.QUEUED, created_at__lte=now - WAITING_AFTER)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )

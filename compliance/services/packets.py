"""Council packets and the annual report, the write side: record a requested build, run
it, keep the PDF.

A build is a `PacketBuild` row; small packets are built within the request, large ones
and every annual report (it grows with the register) by a worker (`compliance.queue`). With the broker down the row stays queued and the user
is told it waits; the worker's start-up (`compliance.tasks`) and the next alert scan
queue it again.
"""

from __future__ import annotations

import datetime
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import queue
from ..models import PacketBuild
from ..pdf.build import build as build_packet_pdf
from ..pdf.content import PacketError, PacketRequest, collect, estimate_pages
from ..pdf.report import ReportRequest, build_report
from ..storage import store_bytes, store_file
from . import leases, translog
from .common import _once

logger = logging.getLogger(__name__)

WAITING_NOTE = gettext_lazy(
    "The build queue is not reachable right now; the packet is recorded and will be built as soon as it is back."
)

# A queued build older than this with no worker on it is queued again by the sweep.
WAITING_AFTER = datetime.timedelta(minutes=5)
# A build interrupted this many times (worker killed, lease run out) is given up.
MAX_ATTEMPTS = 3
RESTARTED_NOTE = gettext_lazy("Interrupted (the worker stopped); waiting to start again.")
INTERRUPTED_NOTE = gettext_lazy(
    "The build was interrupted %(n)s times (the background worker stopped or lost it) and was given up; "
    "nothing was kept. Press “Build again”; if it fails again, ask the administrator to check the worker."
)
STORAGE_NOTE = gettext_lazy(
    "The finished PDF could not be saved: the file store is full or read-only. Nothing was kept; "
    "build it again once the administrator has fixed the storage."
)
TIME_LIMIT_NOTE = gettext_lazy(
    "The build took longer than its time limit and was stopped; nothing was kept. "
    "Narrow the scope, or ask the administrator to raise WEGO_PACKET_TIME_LIMIT."
)


def request_from_build(build) -> PacketRequest:
    return PacketRequest(
        scope=build.scope,
        as_of=build.as_of,
        fiscal_year=build.fiscal_year,
        date_from=build.date_from,
        date_to=build.date_to,
        language=build.language,
        what_if=build.what_if,
        what_if_from=build.what_if_from,
    )


def report_request_from_build(build) -> ReportRequest:
    return ReportRequest(
        as_of=build.as_of,
        from_fy=build.from_fiscal_year,
        to_fy=build.to_fiscal_year,
        language=build.language,
        what_if=build.what_if,
        what_if_from=build.what_if_from,
    )


def do_request_packet(user, req: PacketRequest, token=""):
    """Record a new version of the packet for `req`; (build, estimated pages, created).

    Raises `InvalidRequest`/`EmptyScope` before anything is saved. `token` is the form's
    one-time token: a second post of the same form (a double click) returns the first
    build with created=False instead of recording another. The caller builds a new one
    now (`run_build`) or queues it (`do_queue_build`).
    """
    with translation.override(req.language):
        content = collect(req.validate())
    estimate = estimate_pages(content)
    if token and getattr(user, "pk", None):
        outcome = _once(
            user, token, "packet", PacketBuild, lambda: _record(user, req.params_key, **_packet_fields(req))
        )
        return outcome.obj, estimate, outcome.created
    return _record(user, req.params_key, **_packet_fields(req)), estimate, True


def do_request_report(user, req: ReportRequest, token=""):
    """Record a new version of the annual report for `req` and queue it for a worker (it
    grows with the register: never built within a request); (build, created).

    Raises `InvalidRequest` before anything is saved. `token` as for `do_request_packet`.
    """
    req.validate()

    def record():
        build = _record(user, req.params_key, **_report_fields(req))
        do_queue_build(build)
        return build

    if token and getattr(user, "pk", None):
        outcome = _once(user, token, "report", PacketBuild, record)
        return outcome.obj, outcome.created
    return record(), True


def do_retry_packet(user, build, token=""):
    """Record the failed `build` again as a new version (same parameters); like
    `do_request_packet` ((build, estimated pages, created)). A report is queued at once."""
    if build.scope == PacketBuild.Scope.REPORT:
        retried, created = do_request_report(user, report_request_from_build(build), token=token)
        return retried, None, created
    return do_request_packet(user, request_from_build(build), token=token)


def _packet_fields(req: PacketRequest) -> dict:
    return {
        "scope": req.scope,
        "fiscal_year": req.fiscal_year,
        "date_from": req.date_from,
        "date_to": req.date_to,
        "language": req.language,
        "as_of": req.as_of,
        "what_if": req.what_if,
        "what_if_from": req.what_if_from if req.what_if else None,
    }


def _report_fields(req: ReportRequest) -> dict:
    return {
        "scope": PacketBuild.Scope.REPORT,
        "from_fiscal_year": req.from_fy,
        "to_fiscal_year": req.to_fy,
        "language": req.language,
        "as_of": req.as_of,
        "what_if": req.what_if,
        "what_if_from": req.what_if_from if req.what_if else None,
    }


def _record(user, params_key, **fields):
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = PacketBuild.objects.filter(params_key=params_key).aggregate(v=Max("version"))["v"]
                return PacketBuild.objects.create(
                    **fields,
                    params_key=params_key,
                    version=(latest or 0) + 1,
                    requested_by=user if getattr(user, "is_authenticated", False) else None,
                )
        except IntegrityError:  # two requests took the same version number; take the next
            continue
    raise PacketError(_("The packet could not be recorded; please try again."))


def run_build(build_id: int, worker: str = "web"):
    """Build a queued packet and keep the PDF; every outcome ends in `done` or `failed`
    with its reason. Idempotent: only a queued build is claimed.

    The claim is a conditional update that must change exactly one row (a task delivered
    twice builds once) and a lease that each progress step renews; `recover_builds`
    takes back a build whose lease ran out (`services.leases`).
    """
    builds = PacketBuild.objects.filter(pk=build_id)
    held = leases.claim(PacketBuild, build_id, worker, progress=1, progress_note="", error="")
    if held is None:
        return builds.first()
    build = held.row

    def progress(percent, note):
        held.renew(progress=min(percent, 99), progress_note=str(note)[:200])

    def fail(message):
        held.finish(PacketBuild.State.FAILED, error=str(message))
        return builds.get()

    publish_log_head()
    with translation.override(build.language):
        try:
            built, sha256, size = _produce(build, progress)
        except PacketError as exc:
            return fail(exc)
        except SoftTimeLimitExceeded:
            logger.warning("packet build %s stopped at its time limit", build_id)
            return fail(TIME_LIMIT_NOTE)
        except OSError:  # the file store is full, read-only or gone: nothing was kept
            logger.exception("packet build %s could not be stored", build_id)
            return fail(STORAGE_NOTE)
        except Exception:
            logger.exception("packet build %s failed", build_id)
            if build.scope == PacketBuild.Scope.REPORT:
                return fail(_("The report could not be built because of an internal error; it has been logged."))
            return fail(_("The packet could not be built because of an internal error; it has been logged."))
    held.finish(
        PacketBuild.State.DONE,
        progress=100,
        progress_note="",
        sha256=sha256,
        size=size,
        page_count=built.page_count,
        manifest_hash=built.manifest_hash,
    )
    return builds.get()


def _produce(build, progress):
    """Build the PDF a `PacketBuild` asks for and keep it: (built, sha256, size)."""
    if build.scope == PacketBuild.Scope.REPORT:
        built = build_report(report_request_from_build(build), progress)
        sha256, size, _created = store_bytes(built.pdf)
    else:
        built = build_packet_pdf(request_from_build(build), progress)
        sha256, size, _created = store_file(built.path)
    return built, sha256, size


def publish_log_head():
    """Sign a head covering every leaf, so the packet's proofs reach its newest records.
    Without a signing key the packet is still built, without proof (and says so)."""
    try:
        translog.do_publish_head()
    except Exception:  # noqa: BLE001 - a packet must not fail for want of a proof
        logger.exception("no log head could be signed for the packet")


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


def waiting_builds(now=None, older_than=WAITING_AFTER) -> list[int]:
    """Builds still queued a while after they were requested: their message was lost or
    never sent (broker down). Queued again by `recover_builds`."""
    now = now or timezone.now()
    return list(
        PacketBuild.objects.filter(state=PacketBuild.State.QUEUED, created_at__lte=now - older_than)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


def recover_builds(now=None, worker=None) -> dict:
    """Take back the builds nobody is working on, so that each finishes or says why.

    * running, with its lease run out, or claimed by `worker` (a worker that has just
      started builds nothing yet, so its old claims are orphans): queued again, or after
      MAX_ATTEMPTS failed with the reason;
    * queued: queued again at once after a restart (`worker`), else after WAITING_AFTER
      (a lost message, or the broker was down). A second message for a build is
      harmless: only one claim succeeds.

    Called at worker start, by the periodic sweep and by the alert scan.
    """
    now = now or timezone.now()
    requeued, failed = [], []
    for build, same in leases.stale(PacketBuild, now, worker):
        with translation.override(build.language):
            if build.attempts >= MAX_ATTEMPTS:
                message = INTERRUPTED_NOTE % {"n": build.attempts}
                if same.update(state=PacketBuild.State.FAILED, error=message, finished_at=now, lease_expires_at=None):
                    failed.append(build.pk)
            elif same.update(
                state=PacketBuild.State.QUEUED,
                progress=0,
                progress_note=str(RESTARTED_NOTE)[:200],
                claimed_by="",
                lease_expires_at=None,
            ):
                requeued.append(build.pk)
    waiting = waiting_builds(now, older_than=datetime.timedelta(0) if worker else WAITING_AFTER)
    for build_id in dict.fromkeys([*requeued, *waiting]):
        queue.enqueue(queue.BUILD_PACKET, build_id)
    if requeued or failed:
        logger.warning("Packet builds taken back: queued again %s, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed, "waiting": waiting}

"""Imports as background jobs: a large file is checked and imported by a worker, with
progress on the row, so the limit is the worker's memory and time, not the request's.

This wraps `services.imports.do_import_records` (what each row does is its business)
and keeps its report as JSON on the `ImportJob`. Claimed with a lease like packet
builds (`services.leases`): a job whose worker died is queued again at the worker's
restart or by the sweep, or failed with the reason after MAX_ATTEMPTS.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit, queue
from ..dataio import pending
from ..models import ImportJob
from . import leases
from .imports import ImportReport, RowReport, do_import_records

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
WAITING_AFTER = datetime.timedelta(minutes=5)
WAITING_NOTE = gettext_lazy(
    "The job queue is not reachable right now; the import is recorded and will run as soon as it is back."
)
INTERRUPTED_NOTE = gettext_lazy(
    "The import was interrupted %(n)s times (the background worker stopped) and was given up; "
    "nothing was saved. Upload the file again."
)


def report_as_dict(report: ImportReport) -> dict:
    """The report as JSON for the job's row; a NUL anywhere in it (a cell of the file,
    quoted in a message) is written as U+0000, which PostgreSQL's JSON can hold."""
    return _without_nul(dataclasses.asdict(report))


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "U+0000")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


def report_from_dict(data: dict) -> ImportReport:
    rows = [RowReport(**{**row, "messages": [tuple(m) for m in row["messages"]]}) for row in data.get("rows", [])]
    return ImportReport(**{**data, "rows": rows})


def do_request_import(user, resource, data: bytes, filename, dry_run=True, ref=None, language=None) -> ImportJob:
    """Keep the file (or reuse the pending file `ref` a check kept) and record a job for a
    worker; queue it with `do_queue_import`. The report is written in `language` (by
    default the language of the request being served)."""
    if ref is None:
        ref, sha256 = pending.keep(data)
    else:
        sha256 = hashlib.sha256(data).hexdigest()
    return ImportJob.objects.create(
        resource=resource,
        filename=filename[:255],
        sha256=sha256,
        pending_ref=ref,
        dry_run=dry_run,
        requested_by=user,
        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:8],
    )


def do_queue_import(job) -> bool:
    """Queue a recorded job; when the broker is down it stays queued with a note saying
    it waits, and the worker's start-up or the sweep queue it again."""
    if queue.enqueue(queue.RUN_IMPORT, job.pk):
        return True
    ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.QUEUED).update(progress_note=str(WAITING_NOTE)[:200])
    return False


def run_import_job(job_id: int, worker: str = "web"):
    """Run a queued job to `done` (report kept) or `failed` (reason kept), in the
    requester's language. Claimed once. A refused file (a failed job, or a check that
    found errors) and an imported one are deleted at once; only a check that passed
    keeps its file, for the confirmation."""
    jobs = ImportJob.objects.filter(pk=job_id)
    held = leases.claim(ImportJob, job_id, worker, progress=1, progress_note="")
    if held is None:
        return jobs.first()
    with translation.override(held.row.language or settings.LANGUAGE_CODE):
        return _run(held, jobs, job_id)


def _run(held, jobs, job_id):
    job = held.row

    def progress(done, total):
        held.renew(
            progress=max(1, min(99, 100 * done // max(total, 1))),
            progress_note=_("%(done)s of %(total)s rows") % {"done": done, "total": total},
        )

    def fail(message):
        held.finish(ImportJob.State.FAILED, error=str(message))
        pending.discard(job.pending_ref)
        return jobs.get()

    try:
        data = pending.take(job.pending_ref, job.sha256)
    except (OSError, ValueError):  # swept after IMPORT_PENDING_MAX_AGE, or changed
        logger.warning("import job %s could not read its file", job_id)
        return fail(
            _("The uploaded file could not be read back from the file store; nothing was saved. Upload it again.")
        )
    try:
        # The audit trail names who asked for the import, as it would for a write in a request.
        with audit.acting(job.requested_by):
            report = do_import_records(job.resource, data, job.filename, dry_run=job.dry_run, progress=progress)
    except SoftTimeLimitExceeded:
        return fail(_("The import took longer than its time limit and was stopped; nothing was saved. Split the file."))
    except Exception:
        logger.exception("import job %s failed", job_id)
        return fail(_("The import failed because of an internal error; nothing was saved. It has been logged."))
    held.finish(ImportJob.State.DONE, progress=100, progress_note="", report=report_as_dict(report))
    if report.applied or not job.dry_run or not report.ok:
        pending.discard(job.pending_ref)
    return jobs.get()


def recover_jobs(now=None, worker=None) -> dict:
    """Take back jobs nobody works on (see `services.packets.recover_builds`)."""
    now = now or timezone.now()
    requeued, failed = [], []
    for job, same in leases.stale(ImportJob, now, worker):
        if job.attempts >= MAX_ATTEMPTS:
            message = INTERRUPTED_NOTE % {"n": job.attempts}
            if same.update(state=ImportJob.State.FAILED, error=message, finished_at=now, lease_expires_at=None):
                failed.append(job.pk)
        elif same.update(state=ImportJob.State.QUEUED, progress=0, claimed_by="", lease_expires_at=None):
            requeued.append(job.pk)
    older_than = datetime.timedelta(0) if worker else WAITING_AFTER
    waiting = list(
        ImportJob.objects.filter(state=ImportJob.State.QUEUED, created_at__lte=now - older_than).values_list(
            "pk", flat=True
        )
    )
    for job_id in dict.fromkeys([*requeued, *waiting]):
        queue.enqueue(queue.RUN_IMPORT, job_id)
    return {"requeued": requeued, "failed": failed, "waiting": waiting}

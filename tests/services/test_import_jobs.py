"""Large imports run as background jobs with progress: the request only keeps the file
and records the job; a real worker checks it, the officer confirms, a worker imports it.
The row semantics are the import service's own (tests/dataio)."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance import models
from compliance.models import ImportJob
from compliance.services.import_jobs import recover_jobs, run_import_job
from tests import faults
from wego_tracker.celery import app

ROWS = 70  # years 2030-2099: the model allows no later year
CSV = "year,amount,seconded_staff,source\n" + "".join(
    f"{year},{year},,SYNTHETIC TEST DATA\n" for year in range(2030, 2030 + ROWS)
)


def upload(client, text=CSV):
    return client.post(
        reverse("import_records"),
        {
            "step": "check",
            "resource": "seoul_support",
            "file": SimpleUploadedFile("big.csv", text.encode(), "text/csv"),
        },
    )


def finished(job):
    return ImportJob.objects.filter(pk=job.pk, state__in=["done", "failed"]).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_large_import_is_checked_and_imported_by_a_worker_with_progress(
    client, seed, dpo_user, settings, own_broker, tmp_path
):
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    settings.WEGO_IMPORT_SYNC_MAX_BYTES = 1024  # this file is larger: a job
    settings.LANGUAGE_CODE = "en"
    client.force_login(dpo_user)
    with faults.redis_server(faults.REDIS_PORTS[0], tmp_path) as url:
        faults.use_broker(app, url)
        response = upload(client)
        check = ImportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("import_job", args=[check.pk])
        waiting = client.get(reverse("import_job", args=[check.pk]), HTTP_HX_REQUEST="true").content.decode()
        assert "<progress" in waiting and 'hx-trigger="every 1s"' in waiting
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            faults.wait_for(lambda: finished(check), what="the check")
            page = client.get(reverse("import_job", args=[check.pk]))
            assert page.context["report"].created == ROWS and not page.context["report"].applied
            assert models.SeoulSupport.objects.filter(year__gte=2030).count() == 0  # a dry run saves nothing
            confirm = client.post(reverse("import_records"), {"step": "confirm", "token": page.context["token"]})
            apply = ImportJob.objects.get(dry_run=False)
            assert confirm["Location"] == reverse("import_job", args=[apply.pk])
            faults.wait_for(lambda: finished(apply), what="the import")
    apply.refresh_from_db()
    assert apply.state == "done" and apply.progress == 100 and apply.report["applied"]
    assert models.SeoulSupport.objects.filter(year__gte=2030).count() == ROWS
    assert not any(p.is_file() for p in (tmp_path / "pending").rglob("*"))  # the waiting file is gone


@pytest.mark.django_db
def test_an_import_job_reports_progress_and_is_taken_back_if_its_worker_dies(seed, dpo_user, settings, tmp_path):
    from compliance.dataio import pending

    settings.IMPORT_PENDING_DIR = tmp_path
    ref, sha = pending.keep(CSV.encode())
    job = ImportJob.objects.create(
        resource="seoul_support", filename="big.csv", sha256=sha, pending_ref=ref, dry_run=True, requested_by=dpo_user
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running", attempts=1, claimed_by="gone@host")
    assert recover_jobs(worker="gone@host")["requeued"] == [job.pk]  # its worker restarted
    done = run_import_job(job.pk, worker="w@host")
    assert done.state == "done" and done.attempts == 2 and done.report["rows"][0]["action"] == "new"

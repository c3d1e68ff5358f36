"""The annual report with real parts: the button's request on PostgreSQL, a Redis of our
own and a `celery worker` process that builds it; the page it leads to offers the PDF
that `build_report` makes for the same request."""

import datetime

import pytest
from django.urls import reverse

from compliance.models import PacketBuild
from compliance.pdf.report import ReportRequest, build_report
from tests import faults
from wego_tracker.celery import app


@pytest.fixture
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_report_the_button_queued(client, seed, council_user, storage, own_broker, tmp_path):
    port = faults.REDIS_PORTS[0]
    with faults.redis_server(port, tmp_path) as url:
        faults.use_broker(app, url)
        client.force_login(council_user)
        response = client.post(
            reverse("performance_report"), {"as_of": "2024-04-03", "to_fy": "2024", "language": "ko"}
        )
        build = PacketBuild.objects.get()
        assert response.status_code == 302 and build.state == "queued"  # nothing built in the request
        with faults.worker_process(url, tmp_path, storage, name="report"):
            faults.wait_for(
                lambda: PacketBuild.objects.filter(pk=build.pk, state__in=["done", "failed"]).exists(),
                what="the worker to build the report",
            )
    build.refresh_from_db()
    assert build.state == "done", build.error
    assert build.claimed_by.startswith("report@") and build.progress == 100
    direct = build_report(ReportRequest(as_of=datetime.date(2024, 4, 3), to_fy=2024, language="ko"))
    assert (build.page_count, build.manifest_hash) == (direct.page_count, direct.manifest_hash)
    page = client.get(response["Location"]).content.decode()
    assert reverse("packet_download", args=[build.pk]) in page and "연차 이행 보고서" in page


@pytest.mark.django_db
def test_a_report_build_whose_worker_was_lost_is_taken_back_and_built(seed, council_user, storage):
    """The packets' recovery covers reports: a running report whose lease ran out is queued
    again (with its note), then built by the next worker."""
    from compliance.services.packets import do_request_report, recover_builds, run_build

    req = ReportRequest(as_of=datetime.date(2024, 4, 3), from_fy=2023, language="en")
    build, created = do_request_report(council_user, req)
    assert created and build.params_key == "report-fy2023--en-asof2024-04-03"
    PacketBuild.objects.filter(pk=build.pk).update(
        state="running", attempts=1, claimed_by="gone@host", lease_expires_at="2024-01-01T00:00Z"
    )
    assert recover_builds()["requeued"] == [build.pk]
    build.refresh_from_db()
    assert build.state == "queued" and "Interrupted" in build.progress_note
    build = run_build(build.pk)
    assert build.state == "done" and build.attempts == 2
    assert build.manifest_hash == build_report(req).manifest_hash

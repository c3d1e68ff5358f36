"""Packet builds always finish or say why, with real parts: a Redis of our own, `celery
worker` processes, PostgreSQL. A build requested while the broker is down is kept and
built when it is back; a worker killed mid-build does not leave it "building" for ever;
a storage error fails it with the reason; a double click records one build."""

import pytest
from django.urls import reverse

from compliance.models import Document, PacketBuild
from compliance.services.packets import recover_builds
from tests import faults
from tests.packet_pdfs import attach, synthetic_pdf
from wego_tracker.celery import app

PLAN_2024 = {"scope": "plan", "fiscal_year": "2024", "language": "ko", "as_of": "2024-06-01"}


@pytest.fixture
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def _done(build):
    return PacketBuild.objects.filter(pk=build.pk, state__in=["done", "failed"]).exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_packet_requested_while_the_broker_is_down_is_kept_and_built_when_it_is_back(
    client, seed, dpo_user, settings, storage, own_broker, tmp_path
):
    settings.WEGO_PACKET_SYNC_MAX_PAGES = 0  # every packet goes to a worker
    port = faults.REDIS_PORTS[1]
    faults.use_broker(app, f"redis://127.0.0.1:{port}/0")  # nothing listens there yet
    client.force_login(dpo_user)
    response = client.post(reverse("packet_create"), PLAN_2024, follow=True)
    build = PacketBuild.objects.get()
    body = response.content.decode()
    assert response.status_code == 200 and build.state == "queued"
    assert "대기열에 지금 연결할 수 없습니다" in body  # told it waits (in Korean), not "nothing was saved"
    with faults.redis_server(port, tmp_path) as url, faults.worker_process(url, tmp_path, storage):
        faults.wait_for(lambda: _done(build), what="the build to finish after the broker came back")
    build.refresh_from_db()
    assert build.state == "done" and build.page_count >= 8 and len(build.sha256) == 64


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_build_whose_worker_was_killed_is_built_by_the_restarted_worker(
    seed, dpo_user, settings, storage, own_broker, tmp_path
):
    doc = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    attach(doc, synthetic_pdf("KILLED-MID-BUILD", pages=30), "long.pdf")
    build = PacketBuild.objects.create(
        scope="plan", fiscal_year=2024, language="ko", as_of="2024-06-01", params_key="kill", version=1
    )
    port = faults.REDIS_PORTS[0]
    with faults.redis_server(port, tmp_path) as url:
        faults.use_broker(app, url)
        with faults.worker_process(url, tmp_path, storage, name="doomed") as worker:
            recover_builds(worker="nobody")  # queues it, as the request would have
            faults.wait_for(
                lambda: PacketBuild.objects.filter(pk=build.pk, state="running", progress__gte=5).exists(),
                what="the worker to start building",
                interval=0.02,
            )
            faults.kill(worker)
        build.refresh_from_db()
        assert build.state == "running" and build.attempts == 1  # orphaned: before, it stayed so for ever
        # The same worker comes back (docker restarts it): its start-up takes the build back.
        with faults.worker_process(url, tmp_path, storage, name="doomed"):
            faults.wait_for(lambda: _done(build), what="the restarted worker to finish the build")
    build.refresh_from_db()
    assert build.state == "done" and build.attempts == 2 and build.page_count >= 30


@pytest.mark.django_db
def test_a_build_whose_lease_ran_out_is_queued_again_then_failed_with_its_reason(seed, dpo_user, settings):
    build = PacketBuild.objects.create(
        scope="plan", fiscal_year=2024, language="en", as_of="2024-06-01", params_key="lease", version=1
    )
    for attempt in (1, 2, 3):
        PacketBuild.objects.filter(pk=build.pk).update(
            state="running", attempts=attempt, claimed_by="gone@host", lease_expires_at="2024-01-01T00:00Z"
        )
        result = recover_builds()
        build.refresh_from_db()
        if attempt < 3:
            assert result["requeued"] == [build.pk] and build.state == "queued"
    assert result["failed"] == [build.pk] and build.state == "failed"
    assert "interrupted 3 times" in build.error and "Build again" in build.error


@pytest.mark.django_db
def test_a_storage_error_fails_the_build_with_its_reason(client, seed, dpo_user, council_user, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")  # the store's root is a file: every write fails (full/read-only alike)
    settings.PRIVATE_STORAGE_ROOT = blocker
    client.force_login(dpo_user)
    response = client.post(reverse("packet_create"), {**PLAN_2024, "language": "en"}, follow=True)
    build = PacketBuild.objects.get()
    assert build.state == "failed" and "full or read-only" in build.error
    body = response.content.decode()
    assert "full or read-only" in body and reverse("packet_retry", args=[build.pk]) in body
    # "Build again" records a new version with the same parameters (here for a worker);
    # council staff may read packets but not build them.
    settings.WEGO_PACKET_SYNC_MAX_PAGES = 0
    client.force_login(council_user)
    assert client.post(reverse("packet_retry", args=[build.pk]), {"form_token": "x"}).status_code == 403
    client.force_login(dpo_user)
    again = client.post(reverse("packet_retry", args=[build.pk]), {"form_token": "retry-1"})
    retried = PacketBuild.objects.get(version=2)
    assert again.status_code == 302 and again["Location"] == reverse("packet_detail", args=[retried.pk])
    assert retried.state == "queued" and retried.params_key == build.params_key
    client.post(reverse("packet_retry", args=[build.pk]), {"form_token": "retry-1"})  # double click
    assert PacketBuild.objects.count() == 2


@pytest.mark.django_db
def test_a_double_click_on_the_packet_form_records_one_build(client, seed, dpo_user, storage, settings):
    settings.WEGO_PACKET_SYNC_MAX_PAGES = 0  # queued for a worker (none runs here)
    client.force_login(dpo_user)
    data = {**PLAN_2024, "form_token": "one-click-token"}
    first = client.post(reverse("packet_create"), data)
    second = client.post(reverse("packet_create"), data)
    build = PacketBuild.objects.get()
    assert first["Location"] == second["Location"] == reverse("packet_detail", args=[build.pk])
    assert 'name="form_token"' in client.get(reverse("packet_list")).content.decode()

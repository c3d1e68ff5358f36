"""Packets in the browser: who may build and download, small vs background builds."""

import datetime

import pytest
from django.urls import reverse

from compliance.models import Document, PacketBuild
from compliance.services.packets import run_build
from tests.packet_pdfs import attach, synthetic_pdf


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


PLAN_2024 = {"scope": "plan", "fiscal_year": "2024", "language": "ko", "as_of": "2024-06-01"}


def test_the_digital_policy_officer_builds_the_fy2024_plan_packet_and_downloads_it(client, seed, dpo_user):
    client.force_login(dpo_user)
    response = client.post(reverse("packet_create"), PLAN_2024)
    build = PacketBuild.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("packet_detail", args=[build.pk])
    assert build.state == "done" and build.version == 1 and build.requested_by == dpo_user
    assert build.page_count >= 8 and len(build.sha256) == 64 and len(build.manifest_hash) == 64
    page = client.get(reverse("packet_detail", args=[build.pk]))
    assert page.status_code == 200 and build.manifest_hash in page.content.decode()
    download = client.get(reverse("packet_download", args=[build.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Building again keeps the first file and makes version 2.
    client.post(reverse("packet_create"), PLAN_2024)
    assert list(PacketBuild.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_the_fy2023_results_packet_builds_in_the_browser(client, seed, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("packet_create"), {**PLAN_2024, "scope": "results", "fiscal_year": "2023"})
    assert response.status_code == 302
    assert PacketBuild.objects.get().state == "done"


@pytest.mark.parametrize("role", ["council_staff", "wego_secretariat"])
def test_only_the_digital_policy_officer_and_admins_may_build(client, seed, users, role):
    client.force_login(users[role])
    assert client.post(reverse("packet_create"), PLAN_2024).status_code == 403
    assert not PacketBuild.objects.exists()


def test_council_staff_download_finished_packets_and_wego_may_not(client, seed, users):
    build = _finished_build(users["digital_policy_officer"])
    client.force_login(users["council_staff"])
    assert client.get(reverse("packet_download", args=[build.pk])).status_code == 200
    listing = client.get(reverse("packet_list"))
    assert listing.status_code == 200 and 'name="scope"' not in listing.content.decode()  # no build form
    client.force_login(users["wego_secretariat"])
    assert client.get(reverse("packet_download", args=[build.pk])).status_code == 403
    assert client.get(reverse("packet_list")).status_code == 403


def test_council_staff_do_not_see_unfinished_builds(client, seed, users):
    queued = PacketBuild.objects.create(
        scope="plan", fiscal_year=2024, language="ko", as_of=datetime.date(2024, 6, 1), params_key="x", version=1
    )
    client.force_login(users["council_staff"])
    assert client.get(reverse("packet_detail", args=[queued.pk])).status_code == 404
    assert client.get(reverse("packet_download", args=[queued.pk])).status_code == 404


def test_an_empty_scope_is_a_clear_400_and_nothing_is_saved(client, seed, dpo_user):
    client.force_login(dpo_user)
    response = client.post(reverse("packet_create"), {**PLAN_2024, "fiscal_year": "2019"})
    assert response.status_code == 400
    assert "Nothing is in this scope" in response.content.decode() or "내용이 없습니다" in response.content.decode()
    assert not PacketBuild.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"scope": "plan", "fiscal_year": "", "language": "ko"},
        {"scope": "plan", "fiscal_year": "twenty", "language": "ko"},
        {"scope": "range", "date_from": "2024-02-01", "date_to": "2024-01-01", "language": "ko"},
        {"scope": "range", "date_from": "2024-13-01", "date_to": "2024-12-01", "language": "ko"},
        {"scope": "nonsense", "fiscal_year": "2024", "language": "ko"},
        {"scope": "plan", "fiscal_year": "2024", "language": "fr"},
    ],
)
def test_bad_input_is_a_400_with_the_form_and_nothing_saved(client, seed, dpo_user, data):
    client.force_login(dpo_user)
    response = client.post(reverse("packet_create"), data)
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()  # focused on load, links to the fields
    assert not PacketBuild.objects.exists()


def test_a_large_packet_runs_as_a_celery_task_with_progress(
    client, seed, dpo_user, settings, django_capture_on_commit_callbacks
):
    settings.WEGO_PACKET_SYNC_MAX_PAGES = 0
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from wego_tracker.celery import app

    app.conf.task_always_eager = True
    attach(
        Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출"), synthetic_pdf("BIG", pages=2), "big.pdf"
    )
    client.force_login(dpo_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("packet_create"), PLAN_2024)
    build = PacketBuild.objects.get()
    assert response.status_code == 302 and build.state == "queued" and len(callbacks) == 1
    status = client.get(reverse("packet_detail", args=[build.pk]), HTTP_HX_REQUEST="true")
    body = status.content.decode()
    assert status.status_code == 200 and "<progress" in body and 'hx-trigger="every 1s"' in body
    assert "<html" not in body  # the partial only
    try:
        callbacks[0]()  # the worker runs the task
    finally:
        app.conf.task_always_eager = False
    build.refresh_from_db()
    assert build.state == "done" and build.progress == 100 and build.page_count >= 10
    finished = client.get(reverse("packet_detail", args=[build.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in finished and reverse("packet_download", args=[build.pk]) in finished


def test_a_build_is_claimed_once(seed, dpo_user):
    build = _finished_build(dpo_user)
    first_finished_at = build.finished_at
    again = run_build(build.pk)
    assert again.finished_at == first_finished_at and again.state == "done"


def test_the_packet_list_query_count_does_not_grow_with_builds(client, seed, dpo_user, django_assert_max_num_queries):
    for version in range(1, 6):
        PacketBuild.objects.create(
            scope="plan",
            fiscal_year=2024,
            language="ko",
            as_of=datetime.date(2024, 6, 1),
            params_key="plan-2024-ko",
            version=version,
            requested_by=dpo_user,
        )
    client.force_login(dpo_user)
    # + the filter's fiscal-year choices and the table's page count
    with django_assert_max_num_queries(8):
        assert client.get(reverse("packet_list")).status_code == 200


def _finished_build(user):
    build = PacketBuild.objects.create(
        scope="plan",
        fiscal_year=2024,
        language="ko",
        as_of=datetime.date(2024, 6, 1),
        params_key="plan-2024-ko-asof2024-06-01",
        version=1,
        requested_by=user,
    )
    return run_build(build.pk)


def test_with_the_broker_down_a_packet_request_is_kept_and_built_when_the_queue_is_back(
    client, seed, dpo_user, settings, django_capture_on_commit_callbacks
):
    """No 500 and nothing lost: the build stays queued with a note, and the next alert scan
    (or a worker's start) queues it again."""
    from compliance.services.alerts import do_scan
    from wego_tracker.celery import app

    settings.WEGO_PACKET_SYNC_MAX_PAGES = 0
    attach(
        Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출"), synthetic_pdf("BIG", pages=2), "big.pdf"
    )
    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout
    conf.broker_url, conf.task_always_eager, conf.broker_connection_timeout = "redis://127.0.0.1:1/4", False, 0.5
    app._pool = None
    app.amqp._producer_pool = None
    client.force_login(dpo_user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("packet_create"), PLAN_2024)
    finally:
        conf.broker_url, _eager, conf.broker_connection_timeout = saved
        app._pool = None
        app.amqp._producer_pool = None
    build = PacketBuild.objects.get()
    assert response.status_code == 302 and build.state == "queued"
    page = client.get(reverse("packet_detail", args=[build.pk])).content.decode()
    assert "대기열" in page and "기록되었으며" in page
    conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            do_scan(now=build.created_at + datetime.timedelta(minutes=10))
    finally:
        conf.task_always_eager = saved[1]
    build.refresh_from_db()
    assert build.state == "done" and build.page_count >= 10

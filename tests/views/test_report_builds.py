"""The annual report button queues a build (the packets' machinery) and shows its
progress; the worker's PDF is the one `build_report` makes for the same request; a
failed build says why, in the reader's language, with the way back."""

import datetime
import re

import pytest
from django.urls import reverse

from compliance.models import PacketBuild
from compliance.pdf.report import ReportRequest, build_report
from wego_tracker.celery import app

pytestmark = pytest.mark.django_db
AS_OF = "2024-04-03"
FY = {"as_of": AS_OF, "from_fy": "2023", "to_fy": "2024"}


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def eager():
    """The worker's side, in this process: a queued task runs when it is sent."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def _press(client, data, capture, lang="en"):
    """Press the button; (response, the callbacks held until commit: the enqueue)."""
    with capture(execute=False) as callbacks:
        response = client.post(reverse("performance_report"), data, HTTP_ACCEPT_LANGUAGE=lang)
    return response, callbacks


@pytest.mark.parametrize("role", ["digital_policy_officer", "council_staff", "admin"])
def test_the_button_queues_a_build_and_builds_no_pdf_in_the_request(
    client, seed, users, role, django_capture_on_commit_callbacks
):
    client.force_login(users[role])
    response, callbacks = _press(
        client, {**FY, "language": "en", "form_token": f"t-{role}"}, django_capture_on_commit_callbacks
    )
    build = PacketBuild.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("packet_detail", args=[build.pk])
    assert build.scope == "report" and build.state == "queued" and build.sha256 == "" and build.page_count is None
    assert (build.from_fiscal_year, build.to_fiscal_year, build.language) == (2023, 2024, "en")
    assert build.as_of == datetime.date(2024, 4, 3) and build.requested_by == users[role]
    assert len(callbacks) == 1  # the enqueue, sent once the build is committed
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200 and "Annual compliance report" in body and "FY 2023–FY 2024" in body
    assert "<progress" in body and 'hx-trigger="every 1s"' in body and "offers the PDF" in body


def test_a_double_click_records_one_report(client, seed, dpo_user, django_capture_on_commit_callbacks):
    client.force_login(dpo_user)
    data = {"as_of": AS_OF, "language": "ko", "form_token": "one-click"}
    first, _ = _press(client, data, django_capture_on_commit_callbacks)
    second, _ = _press(client, data, django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"] and PacketBuild.objects.count() == 1


def test_the_built_report_is_the_pdf_build_report_makes_for_the_same_request(
    client, seed, council_user, eager, django_capture_on_commit_callbacks
):
    client.force_login(council_user)
    response, callbacks = _press(client, {**FY, "language": "en"}, django_capture_on_commit_callbacks)
    callbacks[0]()  # the worker runs the task
    build = PacketBuild.objects.get()
    assert build.state == "done" and build.progress == 100 and len(build.sha256) == 64
    direct = build_report(ReportRequest(as_of=datetime.date(2024, 4, 3), from_fy=2023, to_fy=2024, language="en"))
    assert (build.page_count, build.manifest_hash) == (direct.page_count, direct.manifest_hash)
    finished = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in finished and build.manifest_hash in finished
    download = client.get(reverse("packet_download", args=[build.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # A finished report is listed with the packets.
    assert reverse("packet_detail", args=[build.pk]) in client.get(reverse("packet_list")).content.decode()


def test_a_what_if_report_keeps_its_assumption_and_says_so(
    client, seed, dpo_user, eager, django_capture_on_commit_callbacks
):
    client.force_login(dpo_user)
    data = {"as_of": AS_OF, "language": "ko", "what_if": "1", "what_if_from": "2024-01-01"}
    response, callbacks = _press(client, data, django_capture_on_commit_callbacks, lang="ko")
    callbacks[0]()
    build = PacketBuild.objects.get()
    assert build.what_if and build.what_if_from == datetime.date(2024, 1, 1) and build.state == "done"
    direct = build_report(
        ReportRequest(as_of=datetime.date(2024, 4, 3), what_if=True, what_if_from=datetime.date(2024, 1, 1))
    )
    assert build.manifest_hash == direct.manifest_hash
    page = client.get(response["Location"]).content.decode()
    assert "가정 보고서" in page and "공식 보고서가 아니며" in page


@pytest.mark.parametrize(
    ("lang", "reason", "back"),
    [("en", "full or read-only", "Back to the compliance record"), ("ko", "읽기 전용", "이행 실적으로 돌아가기")],
)
def test_a_failed_build_shows_its_reason_in_the_readers_language_with_the_way_back(
    client, seed, council_user, settings, tmp_path, eager, django_capture_on_commit_callbacks, lang, reason, back
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")  # the store's root is a file: the finished PDF cannot be kept
    settings.PRIVATE_STORAGE_ROOT = blocker
    client.force_login(council_user)
    response, callbacks = _press(client, {**FY, "language": lang}, django_capture_on_commit_callbacks, lang=lang)
    callbacks[0]()
    build = PacketBuild.objects.get()
    assert build.state == "failed" and reason in build.error
    body = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert reason in body and back in body
    assert reverse("performance") + "?as_of=2024-04-03&amp;from_fy=2023&amp;to_fy=2024" in body
    # Its breadcrumb leads back to the compliance record, not to the council packets.
    crumbs = re.search(r"<nav[^>]*breadcrumb.*?</nav>", body, re.S).group(0)
    assert f'href="{reverse("performance")}"' in crumbs and reverse("packet_list") not in crumbs
    # Whoever may ask for a report may ask again: a new version, queued.
    assert reverse("packet_retry", args=[build.pk]) in body
    again = client.post(reverse("packet_retry", args=[build.pk]), {"form_token": "again"})
    retried = PacketBuild.objects.get(version=2)
    assert again["Location"] == reverse("packet_detail", args=[retried.pk])
    assert retried.params_key == build.params_key and retried.scope == "report"


def test_bad_choices_are_a_400_in_the_readers_language_with_the_way_back(client, seed, dpo_user):
    client.force_login(dpo_user)
    response = client.post(
        reverse("performance_report"), {"as_of": "nope", "from_fy": "2023"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = response.content.decode()
    assert response.status_code == 400 and "Check the report&#x27;s choices." in body
    assert "Back to the compliance record" in body and reverse("performance") + "?as_of=nope&amp;from_fy=2023" in body
    assert not PacketBuild.objects.exists()


def test_who_sees_a_report_build(client, seed, users, django_capture_on_commit_callbacks):
    """READ_ALL asks for reports; the build is seen as packets are (builders: all; council
    staff: finished ones and their own); WeGO sees neither the button nor the builds."""
    client.force_login(users["digital_policy_officer"])
    _press(client, {"as_of": AS_OF, "language": "ko"}, django_capture_on_commit_callbacks)
    dpo_build = PacketBuild.objects.get()
    client.force_login(users["council_staff"])
    assert client.get(reverse("packet_detail", args=[dpo_build.pk])).status_code == 404  # not theirs, not done
    assert client.post(reverse("packet_retry", args=[dpo_build.pk])).status_code == 404
    client.force_login(users["wego_secretariat"])
    assert client.post(reverse("performance_report"), {"as_of": AS_OF}).status_code == 403
    assert client.get(reverse("packet_detail", args=[dpo_build.pk])).status_code == 403
    assert PacketBuild.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "last", "en", "ko"),
    [
        (2023, 2024, "FY 2023–FY 2024", "2023회계연도–2024회계연도"),
        (2023, 2023, "FY 2023", "2023회계연도"),
        (2023, None, "FY 2023 onwards", "2023회계연도부터"),
        (None, 2024, "up to FY 2024", "2024회계연도까지"),
    ],
)
def test_a_reports_fiscal_years_read_as_words_at_either_open_end(first, last, en, ko):
    from django.utils import translation

    from compliance.labels import fiscal_years_label

    for lang, expected in (("en", en), ("ko", ko)):
        with translation.override(lang):
            assert str(fiscal_years_label(first, last)) == expected

"""Issue 13's journey in headless Chromium, in Korean and in English: the Digital Policy
Officer asks for a revision of a plan draft; WeGO sees it and submits the revision; the
officer accepts and forwards it; council staff see the thread and the status, download
the file, and the officer's read log lists that download."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance import services
from compliance.dataio.uploads import validate_upload
from compliance.models import Document, ReadLogEntry, ReviewOutcome
from tests import workflow_samples as samples
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [
    ("ko-KR", "ko", "보완 요청", "검토 완료", "법정 기한이 아닙니다"),
    ("en-US", "en", "Revision requested", "Review complete", "not a legal deadline"),
]


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_tab(user, locale):
        context = browser.new_context(base_url=live_server.url, locale=locale, timezone_id="Asia/Seoul")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"/accounts/login/?next={quote('/')}")
        page.locator("#id_username").fill(user.get_username())
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form[action$='/accounts/login/'] [type=submit]").click()
        page.wait_for_load_state()
        return page

    yield open_tab
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("locale", "lang", "requested", "accepted", "not_legal"), LANGUAGES)
def test_revision_requested_revised_accepted_forwarded_and_read(
    open_as, seed, wego_user, dpo_user, council_user, settings, tmp_path, locale, lang, requested, accepted, not_legal
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    today = timezone.localdate()
    fy = today.year + 1
    spec = services.DocSpec("plan_draft", fy, f"{fy}년도 사업계획서(안)", [validate_upload("draft.pdf", samples.pdf())])
    draft = services.do_receive_submission(by=wego_user, documents=[spec]).obj.documents.get()

    # 1. The Digital Policy Officer asks for a revision, with an internal target date.
    dpo = open_as(dpo_user, locale)
    dpo.goto(f"/documents/{draft.pk}/review/")
    expect(dpo.locator("html")).to_have_attribute("lang", lang)
    form = dpo.get_by_test_id("outcome-form")
    # KRDS: the radio is drawn on the label that follows it (compliance/forms/renderer.py).
    form.locator("input[value=revision_requested] + label").click()
    expect(form.locator("input[value=revision_requested]")).to_be_checked()
    form.locator("textarea[name=message]").fill("<b>예산 내역</b>을 보완해 주십시오.")
    form.locator("input[name=target_date]").fill((today + datetime.timedelta(days=14)).isoformat())
    form.locator("[type=submit]").click()
    expect(dpo.get_by_test_id("review-summary")).to_contain_text(requested)

    # 2. WeGO sees the request on its page and answers with the revision.
    wego = open_as(wego_user, locale)
    wego.goto("/reviews/")
    row = wego.locator(f"tr[data-document='{draft.pk}']")
    expect(row).to_contain_text(requested)
    row.get_by_role("link").click()
    request = wego.get_by_test_id("open-request")
    expect(request).to_contain_text("<b>예산 내역</b>")  # HTML shown as text
    expect(request).to_contain_text(not_legal)
    request.get_by_test_id("submit-revision").click()
    expect(wego.locator("#id_kind")).to_have_value("plan_revision")
    expect(wego.locator("#id_supersedes")).to_have_value(str(draft.pk))
    wego.locator("#id_files").set_input_files(
        files=[{"name": "수정제출.pdf", "mimeType": "application/pdf", "buffer": samples.pdf("revised")}]
    )
    wego.get_by_test_id("submission-form").locator("[type=submit]").click()
    expect(wego.get_by_test_id("receipt")).to_be_visible()
    revision = Document.objects.get(supersedes=draft)

    # 3. The officer accepts the revision and forwards it to the Council.
    dpo.goto(f"/documents/{draft.pk}/review/")
    expect(dpo.get_by_test_id("review-summary")).to_contain_text(revision.title)
    dpo.get_by_test_id("outcome-form").locator("input[value=accepted] + label").click()
    dpo.get_by_test_id("outcome-form").locator("[type=submit]").click()
    expect(dpo.get_by_test_id("review-summary")).to_contain_text(accepted)
    assert ReviewOutcome.objects.filter(document=revision, decision="accepted").exists()
    dpo.goto(f"/forwardings/new/?document={revision.pk}")
    dpo.locator("#id_forwarded_on").fill(today.isoformat())
    dpo.locator("#id_document_number").fill("디지털정책담당관-5011")
    dpo.get_by_test_id("record-form").locator("[type=submit]").click()
    expect(dpo).to_have_url(re.compile(r"/inbox/$"))

    # 4. Council staff see the thread and the status, and download the file.
    council = open_as(council_user, locale)
    council.goto(f"/obligations/forward_plan_to_council-{fy}-d{revision.pk}/")
    expect(council.locator("dl.summary")).to_have_attribute("data-status", "on_time")
    timeline = council.get_by_test_id("review-timeline")
    expect(timeline.locator("[data-decision=revision_requested]")).to_be_visible()
    expect(timeline.locator("[data-decision=accepted]")).to_be_visible()
    expect(timeline.locator("[data-kind=forwarded]")).to_have_count(1)
    council.goto(f"/submissions/{revision.submission_id}/")
    with council.expect_download() as download:
        council.get_by_role("link", name="수정제출.pdf").click()
    assert download.value.suggested_filename == "수정제출.pdf"

    # 5. The officer's read log lists the council officer's download.
    dpo.goto(f"/documents/{draft.pk}/review/")
    dpo.get_by_test_id("read-log-link").click()
    expect(dpo.locator("tr[data-role=council_staff]")).to_contain_text("수정제출.pdf")
    assert ReadLogEntry.objects.filter(user=council_user, file__document=revision).count() == 1

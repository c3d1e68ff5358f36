"""The three journeys of issue 3 in headless Chromium, in Korean and in English:
WeGO uploads a plan and gets a receipt; the Digital Policy Officer forwards it; council
staff see the forwarding duty go from due soon to fulfilled on time."""

import re
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.models import Document, Forwarding
from tests import workflow_samples as samples
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("ko-KR", "ko", "접수"), ("en-US", "en", "Receipt number")]


@pytest.fixture
def open_as(browser, live_server):
    """`open_as(user, locale)`: a signed-in tab in its own browser context."""
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


@pytest.mark.parametrize(("locale", "lang", "receipt_word"), LANGUAGES)
def test_upload_receipt_forward_and_council_sees_it_fulfilled(
    open_as, seed, live_records, wego_user, dpo_user, council_user, settings, tmp_path, locale, lang, receipt_word
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    fiscal_year = timezone.localdate().year + 1

    # 1. WeGO uploads a plan and gets a receipt, on screen and as a PDF.
    wego = open_as(wego_user, locale)
    wego.goto("/submissions/new/")
    expect(wego.locator("html")).to_have_attribute("lang", lang)
    wego.locator("#id_kind").select_option("plan_draft")
    wego.locator("#id_fiscal_year").fill(str(fiscal_year))
    wego.locator("#id_files").set_input_files(
        files=[{"name": "사업계획서(안).pdf", "mimeType": "application/pdf", "buffer": samples.pdf("journey")}]
    )
    wego.get_by_test_id("submission-form").locator("[type=submit]").click()
    receipt = wego.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    expect(wego.get_by_test_id("receipt-number")).to_have_text(re.compile(r"WEGO-\d{4}-\d{4}"))
    expect(wego.get_by_test_id("received-at")).to_contain_text("KST")
    expect(wego.get_by_test_id("sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(receipt).to_contain_text(receipt_word)
    with wego.expect_download() as download:
        wego.get_by_test_id("receipt-pdf").click()
    assert download.value.suggested_filename.startswith("receipt-WEGO-")
    doc = Document.objects.get(submission__submitted_by=wego_user)
    key = f"forward_plan_to_council-{fiscal_year}-d{doc.pk}"

    # 2. Council staff see the forwarding duty due soon (received today, not forwarded).
    council = open_as(council_user, locale)
    council.goto(f"/obligations/{key}/")
    expect(council.locator("html")).to_have_attribute("lang", lang)
    expect(council.locator("dl.summary")).to_have_attribute("data-status", "due_soon")

    # 3. The Digital Policy Officer forwards it from the inbox.
    dpo = open_as(dpo_user, locale)
    dpo.goto("/inbox/")
    dpo.get_by_test_id(f"forward-{doc.pk}").click()
    expect(dpo.locator(f"input[name=documents][value='{doc.pk}']")).to_be_checked()
    dpo.locator("#id_forwarded_on").fill(timezone.localdate().isoformat())
    dpo.locator("#id_document_number").fill("디지털정책담당관-4880")
    dpo.get_by_test_id("record-form").locator("[type=submit]").click()
    expect(dpo).to_have_url(re.compile(r"/inbox/$"))
    expect(dpo.locator(f"tr[data-document='{doc.pk}']")).to_contain_text("디지털정책담당관-4880")
    assert Forwarding.objects.filter(items__document=doc).count() == 1

    # 4. Council staff reload: fulfilled on time, with the document number shown.
    council.reload()
    expect(council.locator("dl.summary")).to_have_attribute("data-status", "on_time")
    expect(council.locator("dl.summary")).to_contain_text("디지털정책담당관-4880")


def test_a_refused_upload_shows_why_in_the_browser(open_as, seed, wego_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    wego = open_as(wego_user, "en-US")
    wego.goto("/submissions/new/")
    wego.locator("#id_kind").select_option("results")
    wego.locator("#id_fiscal_year").fill(str(timezone.localdate().year - 1))
    wego.locator("#id_files").set_input_files(
        files=[{"name": "results.pdf", "mimeType": "application/pdf", "buffer": samples.EXE}]
    )
    wego.get_by_test_id("submission-form").locator("[type=submit]").click()
    expect(wego.locator(".form-hint-invalid")).to_contain_text("Windows program")
    assert not Document.objects.filter(submission__submitted_by=wego_user).exists()

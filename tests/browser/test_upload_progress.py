"""An upload shows how far it has got: a progress bar with its percentage written out,
a progressbar to screen readers, announced by quarters; then the answer replaces the
page's content as a plain POST would (the form with its error summary focused, or a
report), and a receipt is reached by a real navigation.

The network is slowed down in the browser (Chrome DevTools Protocol) so that the upload
takes a few seconds on a local server.
"""

import os
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from compliance.models import Document
from tests import workflow_samples as samples
from tests.browser.test_screens import _axe, _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("WEGO_SHOTS_DIR")


ANNOUNCED = {}  # page -> what its live region said, kept on this side: the page may navigate


def _slow_upload(context, page, bytes_per_second):
    # What the live region says, kept as it changes (each message replaces the last), sent
    # to the test as it happens, so that a navigation to the receipt loses none of it.
    said = ANNOUNCED[page] = []
    page.expose_function("wegoAnnounced", lambda text: said.append(text))
    page.evaluate(
        """() => new MutationObserver(() => window.wegoAnnounced(document.getElementById('app-announcer').textContent))
            .observe(document.getElementById('app-announcer'), {childList: true, characterData: true, subtree: true})"""
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": bytes_per_second},
    )


def _watch_progress(page, lang, name):
    """While the upload runs: the bar, its percentage, its name, what was announced."""
    bar = page.locator("[data-upload-progress] progress")
    expect(bar).to_be_visible()
    label = page.locator("[data-upload-progress] .app-progress__label")
    word = {"ko": "업로드 중", "en": "Uploading"}[lang]
    expect(label).to_contain_text(word)
    page.wait_for_function(
        "() => { const b = document.querySelector('[data-upload-progress] progress'); return b && b.value >= 20; }"
    )
    value = bar.evaluate("b => b.value")
    assert 0 < value < 100, value
    assert "%" in label.inner_text()
    # The bar is named by its label, and its value is what the label says.
    assert bar.evaluate("b => document.getElementById(b.getAttribute('aria-labelledby')).textContent") != ""
    assert page.locator("form[data-upload]").get_attribute("aria-busy") == "true"
    assert page.locator("form[data-upload] [type=submit]").first.is_disabled()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/upload-progress-{name}.png", full_page=False)
    problems = _axe(page)
    # Announced: the start, then each quarter reached with its percentage, then the check.
    announced = ANNOUNCED.pop(page)
    deadline = time.monotonic() + 60
    while not any("100%" in (t or "") for t in announced):
        assert time.monotonic() < deadline, announced
        page.wait_for_timeout(50)  # lets Playwright deliver what the page sent
    assert any(t and t[0] != "1" and "%" in t and "100%" not in t for t in announced), announced
    return problems


@pytest.mark.parametrize(("lang", "width", "height"), [("ko", 1366, 900), ("en", 390, 844)])
def test_a_submission_upload_shows_its_percentage_then_the_receipt(
    browser, live_server, seed, wego_user, settings, tmp_path, lang, width, height
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    context = _signed_in_context(browser, live_server, wego_user)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
    page = context.new_page()
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/submissions/new/")
        page.locator("#id_kind").select_option("plan_draft")
        page.locator("#id_fiscal_year").fill("2027")
        pdf = samples.pdf("progress " * 40_000)  # about 350 KB: five seconds at 64 KB/s
        assert len(pdf) > 300_000
        page.locator("#id_files").set_input_files(
            files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": pdf}]
        )
        _slow_upload(context, page, 64 * 1024)
        page.get_by_test_id("submission-form").locator("[type=submit]").click()
        assert _watch_progress(page, lang, f"submission-{lang}-{width}") == []
        expect(page.get_by_test_id("receipt")).to_be_visible(timeout=60_000)
        assert "/submissions/" in page.url and "/new/" not in page.url
        # The one-time message survived: htmx was told where to go, it did not follow the redirect.
        expect(page.locator("#messages")).to_contain_text("WEGO-")
        assert Document.objects.filter(submission__submitted_by=wego_user).count() == 1
    finally:
        context.close()


def test_a_refused_upload_shows_the_form_again_with_its_error_summary_focused(
    browser, live_server, seed, wego_user, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    context = _signed_in_context(browser, live_server, wego_user)
    page = context.new_page()
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/submissions/new/")
        page.locator("#id_kind").select_option("results")
        page.locator("#id_fiscal_year").fill("2025")
        page.locator("#id_files").set_input_files(
            files=[{"name": "results.pdf", "mimeType": "application/pdf", "buffer": samples.EXE * 2000}]
        )
        _slow_upload(context, page, 48 * 1024)
        page.get_by_test_id("submission-form").locator("[type=submit]").click()
        assert _watch_progress(page, "ko", "refused-ko-390") == []
        summary = page.locator("[data-error-summary]")
        expect(summary).to_be_visible(timeout=60_000)
        assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
        assert page.title().startswith("오류")
        assert page.locator("[data-upload-progress]").count() == 0
        assert page.locator("main").count() == 1 and page.locator("main main").count() == 0
        assert not Document.objects.exists() or not Document.objects.filter(submission__submitted_by=wego_user)
        # The form answered in place can be sent again (its file list works too).
        page.locator("#id_files").set_input_files(
            files=[{"name": "results.pdf", "mimeType": "application/pdf", "buffer": samples.pdf("ok")}]
        )
        expect(page.locator("[data-file-list] li")).to_have_count(1)
        assert _axe(page) == []
    finally:
        context.close()


def test_an_import_check_shows_its_upload_percentage_then_the_report(browser, live_server, seed, dpo_user):
    context = _signed_in_context(browser, live_server, dpo_user)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page = context.new_page()
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/data/import/?resource=funding_years")
        header = "year,total_budget,seoul_support,membership_dues,dues_ratio,source\n"
        rows = "".join(f"{1900 + i},1,1,1,,synthetic test row {'x' * 400}\n" for i in range(140))
        data = (header + rows).encode()
        assert 50_000 < len(data) < settings.WEGO_IMPORT_SYNC_MAX_BYTES
        page.locator("#id_file").set_input_files(
            files=[{"name": "funding.csv", "mimeType": "text/csv", "buffer": data}]
        )
        _slow_upload(context, page, 10 * 1024)
        page.locator("form[data-upload] [type=submit]").click()
        assert _watch_progress(page, "en", "import-en-390") == []
        expect(page.locator("#import-report")).to_be_visible(timeout=60_000)
        assert page.locator("main main").count() == 0
    finally:
        context.close()

"""The annual report in a real browser: council staff press the button on /performance/,
land on the build's progress page, which swaps in the download when the worker is done;
a failed build says why and leads back. Both pages pass axe and fit at 1366×900 and on a
390×844 phone, in Korean and English (WEGO_SHOTS_DIR keeps screenshots)."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from compliance.models import PacketBuild
from compliance.services.packets import run_build
from tests.browser.test_screens import PAGE_CHECKS, SIZES, _axe, _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def council_page(browser, live_server, seed, council_user):
    """Council staff signed in (after the seed is laid), with axe-core loaded in every page."""
    context = _signed_in_context(browser, live_server, council_user)
    yield context.new_page()
    context.close()


def _open(page, live_server, lang, url):
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
    response = page.goto(url)
    assert response.status == 200 and "/accounts/login/" not in page.url, page.url


def _look(page, where, shot):
    """What a person would notice on this page, at each size (and its screenshot)."""
    problems = []
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        # A resize restyles the buttons, and KRDS eases colours over 0.4 s: axe judges the
        # page once they have settled, as a reader sees it (not a colour half-way).
        page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
        problems += [f"{where} {size} {p}" for p in _axe(page)]
        page.keyboard.press("Shift")
        problems += [f"{where} {size} {p}" for p in page.evaluate(PAGE_CHECKS)]
        if shots := os.environ.get("WEGO_SHOTS_DIR"):
            page.screenshot(path=str(Path(shots) / f"report-{shot}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    return problems


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_council_staff_press_the_button_follow_the_progress_and_download(council_page, live_server, lang):
    page = council_page
    _open(page, live_server, lang, "/performance/?as_of=2024-04-03&from_fy=2023")
    problems = _look(page, f"[{lang} performance]", f"{lang}-performance")
    page.locator("#report-language").select_option(lang)
    page.locator("form[action$='/performance/report.pdf'] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/packets/\d+/$"))  # at once: nothing is built in the request
    status = page.locator("#build-status")
    expect(status).to_have_attribute("data-state", "queued")
    expect(page.locator("#build-status progress")).to_be_visible()
    problems += _look(page, f"[{lang} progress]", f"{lang}-queued")
    build = PacketBuild.objects.get()
    assert build.scope == "report" and build.from_fiscal_year == 2023 and build.language == lang
    run_build(build.pk)  # the worker finishes while the page is open
    expect(status).to_have_attribute("data-state", "done", timeout=30_000)
    problems += _look(page, f"[{lang} done]", f"{lang}-done")
    with page.expect_download() as download_info:
        page.locator("#build-status a[href$='/download/']").click()
    assert open(download_info.value.path(), "rb").read(5) == b"%PDF-"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_failed_report_says_why_and_leads_back(council_page, live_server, settings, tmp_path, lang):
    page = council_page
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    settings.PRIVATE_STORAGE_ROOT = blocker  # the finished PDF cannot be kept
    _open(page, live_server, lang, "/performance/?as_of=2024-04-03")
    page.locator("#report-language").select_option(lang)
    page.locator("form[action$='/performance/report.pdf'] [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/packets/\d+/$"))
    run_build(PacketBuild.objects.get().pk)
    status = page.locator("#build-status")
    expect(status).to_have_attribute("data-state", "failed", timeout=30_000)
    expect(status.get_by_role("alert")).to_contain_text({"ko": "읽기 전용", "en": "full or read-only"}[lang])
    problems = _look(page, f"[{lang} failed]", f"{lang}-failed")
    status.get_by_role(
        "link", name={"ko": "이행 실적으로 돌아가기", "en": "Back to the compliance record"}[lang]
    ).click()
    expect(page).to_have_url(re.compile(r"/performance/\?as_of=2024-04-03$"))
    assert not problems, "\n".join(problems)

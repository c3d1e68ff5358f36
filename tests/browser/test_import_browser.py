"""The import dry run in a browser: each changed field old → new, a clear shown as a clear,
on a phone-sized screen too, with nothing serious for axe-core."""

import csv
import io
import os

import pytest
from playwright.sync_api import expect

from compliance.models import FundingYear
from tests.browser.test_dashboard_browser import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a folder to keep screenshots of the report (for a person to look at).
SHOTS = os.environ.get("WEGO_TEST_SHOTS")


def funding_csv():
    row = FundingYear.objects.get(year=2019)
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            ["year", "total_budget", "seoul_support", "membership_dues", "dues_ratio", "source"],
            [2019, row.total_budget + 1, row.seoul_support, row.membership_dues, "", row.source],
        ]
    )
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(("language", "width", "height"), [("ko", 1366, 900), ("en", 390, 844)])
def test_the_dry_run_lists_each_change_and_a_clear(
    page, live_server, seed, dpo_user, login, tmp_path, settings, language, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    login(dpo_user, next_url="/data/import/?resource=funding_years")
    upload = tmp_path / "funding.csv"
    upload.write_bytes(funding_csv())
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("form:has(#id_file) [type=submit]").click()  # sent by htmx: the report replaces the form
    expect(page.locator("#import-report")).to_be_visible()
    changes = page.locator(".import-changes li")
    assert changes.count() == 2
    texts = [changes.nth(i).inner_text() for i in range(2)]
    assert any(t.startswith("total_budget") and "1383123" in t and "1383124" in t for t in texts), texts
    assert any(t.startswith("dues_ratio") and "12.6" in t and ("비움" in t or "cleared" in t) for t in texts), texts
    assert FundingYear.objects.get(year=2019).dues_ratio is not None  # a dry run saves nothing
    assert serious_accessibility_violations(page) == []
    if SHOTS:
        page.locator("#import-report").screenshot(path=f"{SHOTS}/import-dry-run-{language}-{width}.png")


def test_a_refused_check_keeps_the_file_and_lists_the_refused_rows(
    page, live_server, seed, dpo_user, login, tmp_path, settings
):
    """Issue 24: the file is checked as the wrong kind of record, refused, and checked again
    as the right kind without choosing it again; the refused rows come first, on their own."""
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    login(dpo_user, next_url="/data/import/?resource=forwardings")
    upload = tmp_path / "지원금.csv"
    upload.write_text(
        "연도,국제부담금(천원),파견 인력,출처\n2030,1000,,SYNTHETIC TEST DATA\n2031,-5,,SYNTHETIC TEST DATA\n",
        encoding="utf-8",
    )
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("form:has(#id_file) [type=submit]").click()
    expect(page.get_by_test_id("kept-file")).to_contain_text("지원금.csv")
    page.locator("#id_resource").select_option("seoul_support")
    page.locator("form:has(#id_file) [type=submit]").click()
    expect(page.locator("#refused-rows tr[data-line='3']")).to_be_visible()
    expect(page.locator("#refused-rows tr[data-line='2']")).to_have_count(0)
    expect(page.locator("#refused-rows")).to_contain_text("국제부담금(천원)")
    expect(page.get_by_test_id("kept-file")).to_contain_text("지원금.csv")
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert serious_accessibility_violations(page) == []
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/import-refused-{width}.png", full_page=True)

"""The dashboard's task list and the public search page in Chromium, as their readers use
them: (a) council staff find what is late this year in at most two actions on the first
screen; (b) a citizen on a phone finds whether the FY2023 settlement reached the Council
on time in at most two actions. axe-core finds no violation at all (any impact) on either
page, at 1366×900 and 390×844, in Korean and English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401
from tests.conftest import PASSWORD
from tests.tools import require_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _context(browser, live_server, size, language="ko"):
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        locale="ko-KR" if language == "ko" else "en-US",
        extra_http_headers={"Accept-Language": language},
        timezone_id="Asia/Seoul",
    )
    context.set_default_timeout(10_000)
    return context


def _sign_in(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()
    page.wait_for_load_state()


def _violations(page):
    """Every axe-core violation (any impact) of WCAG 2.x A/AA and best practice."""
    # Evaluated, not a <script> tag: the site's Content-Security-Policy refuses inline scripts.
    page.evaluate(require_axe().read_text())
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def _on_first_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_council_staff_finds_what_is_late_this_year_in_one_action(browser, live_server, seed, council_user, size):
    context = _context(browser, live_server, size)
    page = context.new_page()
    _sign_in(page, council_user)
    page.goto("/?as_of=2023-12-29")
    link = page.locator("#late-this-year")
    expect(link).to_have_text("2023년에 기한이 온 일 중 늦은 것 전부")
    assert _on_first_screen(page, link)  # no scrolling needed
    link.click()  # the one action
    expect(page).to_have_url(re.compile(r"due_year=2023.*status=any_late"))
    rows = page.locator("#obligation-results tbody tr")
    expect(rows.first).to_be_visible()
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.status)")) <= {"overdue", "late"}
    # The answer's first row names its duty and its status without sideways scrolling.
    first = rows.first
    assert first.locator("th a").bounding_box()["x"] + 10 < SIZES[size][0]
    badge = first.locator(".app-status")
    expect(badge).to_be_visible()
    assert badge.bounding_box()["x"] + badge.bounding_box()["width"] <= SIZES[size][0]
    context.close()


def test_a_citizen_on_a_phone_finds_whether_the_fy2023_settlement_reached_the_council_on_time(
    browser, live_server, seed
):
    context = _context(browser, live_server, "phone")
    page = context.new_page()
    page.goto("/public/")
    page.locator("#id_q").fill("2023 정산서")  # action 1
    page.locator("#id_q").press("Enter")  # action 2
    row = page.locator('tr[data-relay="2023-settlement"]')
    expect(row).to_be_visible()
    hop = row.locator('[data-key^="forward_settlement_to_council-2023"]')
    expect(hop.locator(".app-hop__status")).to_have_text("지체 없이 완료")
    expect(hop).to_contain_text("제출 2024. 2. 6.(화)")
    assert _on_first_screen(page, hop.locator(".app-hop__status"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_no_axe_violation_on_the_dashboard_and_the_public_search(
    browser, live_server, seed, users, size, language, tmp_path
):
    context = _context(browser, live_server, size, language)
    page = context.new_page()
    problems = {}
    for url in ("/public/", "/public/?q=2023&status=late", "/public/?due_year=1990"):
        page.goto(url)
        problems[url] = _violations(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0], url
    for role in ("council_staff", "wego_secretariat", "digital_policy_officer"):
        page.context.clear_cookies()
        _sign_in(page, users[role])
        for url in ("/?as_of=2024-04-03", "/?as_of=2023-12-29&due_year=2023&status=any_late&sort=-due", "/?q=정산"):
            page.goto(url)
            problems[f"{role} {url}"] = _violations(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0], url
        if size == "phone":
            # The status summary is one line: it does not push the rows down.
            summary = page.locator(".app-status-summary").bounding_box()
            assert summary["height"] < 80
    assert {url: found for url, found in problems.items() if found} == {}
    context.close()

"""The calculator in two steps (issue 24, journey d): a visitor gets the FY2025 results date
on the first try, in Korean and English, on a desktop and a phone, with no axe finding."""

import pytest
from playwright.sync_api import expect

from tests.browser.matrix import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_the_fy2025_results_date_on_the_first_try(page, live_server, seed, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto("/calculator/")
    # Step 1: the duty by its name; no year or date field yet.
    expect(page.locator("input[name=fiscal_year]")).to_have_count(0)
    page.locator("label", has_text="사업 결과 제출 (사무총장 → 시장)").click()
    page.get_by_role("button", name="다음").click()
    # Step 2: only the fiscal year, with its hint.
    expect(page.locator("input[type=date]")).to_have_count(0)
    year = page.get_by_label("사업 연도")
    expect(year).to_be_visible()
    year.fill("2025")
    page.get_by_role("button", name="계산").click()
    # Step 3: the date and how it was worked out.
    expect(page.locator("[data-due]")).to_have_attribute("data-due", "2026-03-03")
    expect(page.locator("#calc-result")).to_have_text("기한: 2026. 3. 3.(화)")
    expect(page.locator(".app-calculator-result ol li").first).to_be_visible()
    expect(page.get_by_test_id("calc-disclaimer")).to_contain_text("법률 자문이 아닙니다")

    if size[0] > 1000:  # on a phone the language switch is in the menu
        page.locator("button[name=language][value=en]").first.click()
        expect(page.locator("#calc-result")).to_contain_text("Due: Tue 3 Mar 2026")


def test_a_wrong_year_is_told_at_the_field_and_fixed_there(page, live_server, seed):
    page.goto("/calculator/?duty=results_to_mayor")
    page.get_by_label("사업 연도").fill("25")
    page.get_by_role("button", name="계산").click()
    expect(page.locator("#id_fiscal_year_error")).to_contain_text("네 자리")
    expect(page.locator("[data-error-summary] a[href='#id_fiscal_year']")).to_be_visible()
    page.get_by_label("사업 연도").fill("2025")
    page.get_by_role("button", name="계산").click()
    expect(page.locator("[data-due]")).to_have_attribute("data-due", "2026-03-03")


def test_the_calculator_pages_pass_axe_at_both_sizes_in_both_languages(browser, live_server, seed):
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    try:
        urls = [
            "/calculator/",
            "/calculator/?duty=zzz",
            "/calculator/?duty=forward_plan_to_council",
            "/calculator/?duty=results_to_mayor&fiscal_year=1999",
            "/calculator/?duty=results_to_mayor&fiscal_year=2025",
            "/calculator/?duty=forward_plan_to_council&received_on=2024-09-12",
            "/calculator/assumptions/",
        ]
        problems = page_problems(context, page, live_server, urls, label="calculator")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

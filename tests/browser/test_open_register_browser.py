"""The public register, the calculator and API tokens in Chromium: keyboard use, both
languages, and axe-core finding nothing serious or critical (no sign-in for the first two)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_browser import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_register_and_calculates_a_deadline(page, live_server, seed):
    page.goto("/public/?q=2023")
    expect(page.locator("h1")).to_contain_text("공개 이행 현황")
    assert serious_accessibility_violations(page) == []
    # The derivation opens from the keyboard.
    summary = page.locator("[data-key='plan_to_mayor-2023'] details summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-key='plan_to_mayor-2023'] details ol li").first).to_be_visible()

    # The calculator has its own journey: test_calculator_browser.


def test_council_staff_make_a_token_once(page, live_server, seed, council_user, login):
    login(council_user, next_url="/account/api-tokens/")
    page.locator("#id_name").fill("보고 스크립트")
    page.locator("#id_name").press("Enter")
    secret = page.get_by_test_id("api-token-secret").inner_text()
    assert secret.startswith("wego_")
    assert serious_accessibility_violations(page) == []
    page.goto("/account/api-tokens/")
    expect(page.get_by_test_id("api-token-secret")).to_have_count(0)
    expect(page.locator("tbody")).to_contain_text(secret[:12])

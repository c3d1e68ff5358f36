"""In Chromium at 1366px: the register table fits the page (no column cut off at the
right), and the what-if start date appears only once the switch is ticked."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboard_browser import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_register_table_fits_at_1366_and_the_what_if_date_follows_the_switch(
    page, live_server, seed, dpo_user, login, language
):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.set_extra_http_headers({"Accept-Language": language})
    login(dpo_user, next_url="/?as_of=2026-11-27")
    frame = page.locator("#obligation-results .app-table-scroll")
    expect(frame).to_be_visible()
    client_width, scroll_width = frame.evaluate("f => [f.clientWidth, f.scrollWidth]")
    assert scroll_width <= client_width, (scroll_width, client_width)

    date_group = page.locator(".app-what-if-from")
    expect(date_group).to_be_hidden()
    page.locator("label[for=id_what_if]").click()
    expect(date_group).to_be_visible()
    expect(page.locator("#app-menu a[href='/records/coverage/']")).to_be_visible()
    assert serious_accessibility_violations(page) == []

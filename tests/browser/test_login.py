import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_council_staff_signs_in_through_the_form_and_sees_the_dashboard(page, live_server, seed, council_user):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    # KRDS and our stylesheet are served: the KRDS font family is in effect.
    assert "Pretendard GOV" in page.evaluate("getComputedStyle(document.body).fontFamily")

    page.locator("#id_username").fill("council")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_test_id("current-user")).to_have_text(council_user.first_name)
    expect(page.locator("form[action$='/accounts/logout/'] [type=submit]")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_title(re.compile("WeGO"))

    # With the seed history, whose records stop in April 2024, nothing is called overdue
    # beyond what the records prove: the FY2024 results (due end of February 2025) have no
    # record, and the only late rows are late on the records' last day.
    expect(page.locator('[data-status="no_record"]').first).to_be_visible()
    expect(page.locator('tr[data-status="overdue"]:not([data-badge$="_at_records_end"])')).to_have_count(0)

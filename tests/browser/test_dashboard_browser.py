"""The dashboard and the obligation page in Chromium: htmx filtering without a reload,
the language switch, and axe-core finding nothing serious or critical.

axe-core is an npm dev dependency (package.json); bin/setup's `npm ci` installs it and
the tests inject node_modules/axe-core/axe.min.js into the page, so nothing is fetched.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.tools import require_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AS_OF = "2024-04-03"  # the last day the seed's records cover


def serious_accessibility_violations(page):
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA)."""
    axe_js = require_axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: a <script> tag with inline
        # code would be refused by the site's Content-Security-Policy.
        page.evaluate(axe_js.read_text())
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_council_staff_filters_in_place_switches_to_english_and_reads_the_derivation(
    page, live_server, seed, council_user, login
):
    login(council_user, next_url=f"/?as_of={AS_OF}")
    expect(page.locator('#obligation-results tr[data-status="overdue"]').first).to_be_visible()
    expect(page.locator('#obligation-results tr[data-status="on_time"]').first).to_be_attached()
    page.evaluate("window.stillTheSamePage = true")  # gone if the browser reloads the page

    # The status filter: htmx swaps the results in place and pushes the filtered URL.
    page.locator("#id_status").select_option("not_yet_past_grace")
    expect(page).to_have_url(re.compile(r"[?&]status=not_yet_past_grace(&|$)"))
    expect(page.locator('#obligation-results tbody tr:not([data-status="overdue"])')).to_have_count(0)
    expect(page.locator('#obligation-results tbody tr[data-status="overdue"]')).to_have_count(2)
    expect(page.locator("#status-count-not_yet_past_grace")).to_have_attribute("aria-current", "true")
    expect(page.locator("#results-status")).to_contain_text("2")
    assert page.evaluate("window.stillTheSamePage") is True

    # A status card filters the same way, and the status select follows it.
    page.locator("#status-count-upcoming").click()
    expect(page).to_have_url(re.compile(r"[?&]status=upcoming(&|$)"))
    expect(page.locator('#obligation-results tbody tr:not([data-status="upcoming"])')).to_have_count(0)
    expect(page.locator("#id_status")).to_have_value("upcoming")
    assert page.evaluate("window.stillTheSamePage") is True

    page.locator("#id_status").select_option("")
    expect(page.locator('#obligation-results tbody tr[data-status="on_time"]').first).to_be_attached()

    # Language: Korean by default, English on request.
    expect(page.locator("#status-count-overdue .app-status-card__label")).to_have_text("기한 경과")
    page.locator("button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#status-count-overdue .app-status-card__label")).to_have_text("Overdue")
    expect(page.locator("#id_status option[value=overdue]")).to_have_text("Overdue")

    # The obligation page: breadcrumb back to the list, and how the due date was computed.
    page.locator('#obligation-results tr[data-key="plan_to_mayor-2023"] a').click()
    expect(page).to_have_url(re.compile(r"/obligations/plan_to_mayor-2023/"))
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    expect(page.get_by_role("heading", name="How the due date was computed")).to_be_visible()
    steps = page.locator("ol.app-steps > li")
    expect(steps.first).to_be_visible()
    assert steps.count() >= 2
    expect(page.locator("ol.app-steps")).to_contain_text("Sun 31 Jul 2022")


def test_without_javascript_the_filters_are_a_plain_form(browser, live_server, seed, council_user):
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/accounts/login/?next=/%3Fas_of%3D{AS_OF}")
        page.locator("#id_username").fill(council_user.get_username())
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form[action$='/accounts/login/'] [type=submit]").click()
        page.locator("#id_status").select_option("not_yet_past_grace")
        page.locator("#filters [type=submit]").click()
        expect(page).to_have_url(re.compile(r"[?&]status=not_yet_past_grace(&|$)"))
        expect(page.locator("#id_as_of")).to_have_value(AS_OF)
        expect(page.locator('#obligation-results tbody tr[data-status="overdue"]')).to_have_count(2)
        expect(page.locator('#obligation-results tbody tr:not([data-status="overdue"])')).to_have_count(0)
        # The status cards are plain links that keep the other filters.
        page.locator("#status-count-late").click()
        expect(page).to_have_url(re.compile(rf"as_of={AS_OF}.*status=late"))
        expect(page.locator('#obligation-results tbody tr:not([data-status="late"])')).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_dashboard_and_obligation_pages_have_no_serious_accessibility_violations(
    page, live_server, seed, council_user, login, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(council_user, next_url=f"/?as_of={AS_OF}")
    expect(page.locator('#obligation-results tr[data-status="overdue"]').first).to_be_visible()
    assert serious_accessibility_violations(page) == [], "dashboard"

    page.locator("#id_status").select_option("late")  # the htmx-swapped results too
    expect(page.locator('#obligation-results tbody tr:not([data-status="late"])')).to_have_count(0)
    problems = serious_accessibility_violations(page)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)

    # A delayed forwarding: the "reason required" callout, the document trail, the law.
    page.goto(f"/obligations/forward_plan_to_council-2022-d1/?as_of={AS_OF}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems = serious_accessibility_violations(page)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)

    page.goto("/law/")
    problems = serious_accessibility_violations(page)
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)

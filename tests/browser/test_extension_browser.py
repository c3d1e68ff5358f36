"""In Chromium, Korean and English, at 1366×900 and 390×844: the Digital Policy Officer
records an agreed extension from the obligation page, a refused one comes back with its
message, and the section with both dates passes axe-core and the page checks.

Set WEGO_SHOTS_DIR to keep a screenshot of each screen."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from compliance import register
from compliance.models import Extension
from tests.browser.test_screens import PAGE_CHECKS, SIZES, _axe, _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page, where, problems, shot):
    problems += [f"{where} {p}" for p in _axe(page)]
    page.keyboard.press("Shift")
    problems += [f"{where} {p}" for p in page.evaluate(PAGE_CHECKS)]
    shots = os.environ.get("WEGO_SHOTS_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / f"extension-{shot}.png"), full_page=True)
        section = page.locator("[data-testid=extensions]")
        if section.count():
            section.screenshot(path=str(Path(shots) / f"extension-{shot}-section.png"))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_officer_records_an_extension_in_the_browser(lang, browser, live_server, seed, dpo_user):
    today = timezone.localdate()
    plans = [o for o in register.load().obligations(today) if o.duty == "plan_to_mayor" and o.fulfilled_on is None]
    plan = max(plans, key=lambda o: o.fiscal_year)
    context = _signed_in_context(browser, live_server, dpo_user)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
    page = context.new_page()
    problems = []
    try:
        for size, (width, height) in SIZES.items():
            Extension.objects.all().delete()
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"/obligations/{plan.key}/")
            _checked(page, f"[{lang} {size} obligation]", problems, f"{lang}-{width}-1-obligation")
            page.locator("[data-testid=extensions] a[href$='/extensions/new/']").click()
            page.wait_for_load_state()
            page.locator("#id_extended_to").fill(plan.due_date.isoformat())  # on the statutory date: refused
            page.locator("#id_basis").fill("Synthetic test data: 지원 협약 제7조②")
            page.locator("#id_granted_by").fill("Synthetic test data: 서울특별시장")
            page.locator("main form [type=submit]").click()
            page.wait_for_load_state()
            assert page.locator("[data-error-summary]").count() == 1
            assert not Extension.objects.exists()
            _checked(page, f"[{lang} {size} refused]", problems, f"{lang}-{width}-2-refused")
            later = plan.due_date + datetime.timedelta(days=30)
            page.locator("#id_extended_to").fill(later.isoformat())
            page.locator("main form [type=submit]").click()
            page.wait_for_load_state()
            assert page.url.endswith(f"/obligations/{plan.key}/#extension-heading")
            section = page.locator("[data-testid=extensions]")
            assert section.get_attribute("data-testid") and section.locator("[data-extended-to]").count() == 1
            assert Extension.objects.get().extended_to == later
            _checked(page, f"[{lang} {size} recorded]", problems, f"{lang}-{width}-3-recorded")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

"""Every role's main menu sits on one row at 1366 px, in Korean and in English, with
every item shown and no label under 13 px (the administrator's English menu wrapped
to a second row, about 237 px too wide)."""

import pytest
from django.conf import settings

from tests.browser.test_screens import LANGUAGES, _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each top-level item of the menu: where it sits, how wide it is, how large its text is.
MENU_ITEMS = """() => [...document.querySelectorAll("#app-menu .gnb-menu > li")].map((li) => {
  const trigger = li.querySelector(".gnb-main-trigger");
  const box = trigger.getBoundingClientRect();
  return {
    label: trigger.textContent.trim(),
    top: Math.round(box.top),
    right: Math.round(box.right),
    width: Math.round(box.width),
    font: parseFloat(getComputedStyle(trigger).fontSize),
  };
})"""


@pytest.mark.parametrize("role", ["council", "wego", "dpo", "admin"])
def test_every_roles_menu_fits_one_row_at_1366_px(
    role, browser, live_server, seed, council_user, wego_user, dpo_user, admin_user
):
    user = {"council": council_user, "wego": wego_user, "dpo": dpo_user, "admin": admin_user}[role]
    context = _signed_in_context(browser, live_server, user)
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    problems = []
    try:
        for lang in LANGUAGES:
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
            page.goto("/")
            items = page.evaluate(MENU_ITEMS)
            links = page.locator("#app-menu a[href]").count()
            where = f"[{role} {lang}]"
            if len(items) < 5:
                problems.append(f"{where} only {len(items)} menu items")
            rows = sorted({i["top"] for i in items})
            if len(rows) > 1:
                wrapped = [i["label"] for i in items if i["top"] != rows[0]]
                problems.append(f"{where} menu on {len(rows)} rows; wrapped: {wrapped}")
            hidden = [i["label"] for i in items if i["width"] < 1]
            if hidden:
                problems.append(f"{where} hidden items: {hidden}")
            small = [f"{i['label']} {i['font']}px" for i in items if i["font"] < 13]
            if small:
                problems.append(f"{where} labels under 13 px: {small}")
            if max(i["right"] for i in items) > 1366:
                problems.append(f"{where} menu runs past the window")
            if links < len(items):
                problems.append(f"{where} {links} links for {len(items)} items")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

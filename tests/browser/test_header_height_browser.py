"""The desktop header stays one menu row high for every role in both languages (issue 24:
the Digital Policy Officer's English menu wrapped and made it 238 px)."""

import pytest
from django.conf import settings

from tests.browser.test_screens import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_HEADER_PX = 170  # one menu row is 165.5 px at 1366 px; two rows were 237.5


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_desktop_header_is_not_taller_than_one_menu_row(browser, live_server, seed, dpo_user, council_user, lang):
    heights = {}
    for user in (dpo_user, council_user):
        context = _signed_in_context(browser, live_server, user)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
        page = context.new_page()
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto("/")
        heights[user.get_username()] = page.evaluate(
            "document.querySelector('#krds-header').getBoundingClientRect().height"
        )
        context.close()
    assert all(h <= MAX_HEADER_PX for h in heights.values()), heights

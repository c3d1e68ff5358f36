"""Playwright (sync API) on Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system one (apt `chromium`), or the one
named by CHROMIUM_PATH. Run only these tests with `bin/test -m browser`, skip them with
`bin/test -m "not browser"`.
"""

import os
import shutil
from urllib.parse import quote

import pytest

from tests.conftest import PASSWORD
from tests.tools import require_tool

# Playwright's sync API runs an event loop in this thread, which makes Django refuse ORM
# calls from tests and fixtures (SynchronousOnlyOperation) unless this is set.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    # Without these, Chromium keeps trying to reach Google on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    require_tool(
        "chromium",
        os.access(path, os.X_OK),
        f'no Chromium at {path}: apt-get install chromium, or set CHROMIUM_PATH; -m "not browser" leaves these out',
    )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh Korean-language browser tab whose relative URLs go to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Sign in through the login form: `login(user)`; returns the page."""

    def sign_in(user, password=PASSWORD, next_url="/"):
        page.goto(f"/accounts/login/?next={quote(next_url)}")
        page.locator("#id_username").fill(user.get_username())
        page.locator("#id_password").fill(password)
        page.locator("form[action$='/accounts/login/'] [type=submit]").click()
        page.wait_for_load_state()
        return page

    return sign_in

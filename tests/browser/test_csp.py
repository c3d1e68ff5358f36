"""The Content-Security-Policy and Permissions-Policy hold on the key pages, and the pages
still work under them: htmx filters the dashboard, the phone menu opens, the API docs
draw Swagger UI. A violation (an inline script or style, a file from elsewhere, eval) is
reported by the browser and fails the test."""

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collected in the page before any of its scripts run.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def context_for(browser, live_server, user=None, **options):
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul", **options)
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    context.add_init_script(LISTEN)
    return context


def violations(page, console):
    return page.evaluate("window.__csp || []") + [m for m in console if "Content Security Policy" in m]


def test_key_pages_work_under_the_policy_with_no_violation(browser, live_server, seed, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    dpo = make_user("csp-dpo", "digital_policy_officer")
    admin = make_user("csp-admin")
    found = {}
    for user, paths in (
        (None, ["/accounts/login/", "/public/", "/calculator/", "/api/docs/"]),
        (dpo, ["/", "/submissions/", "/inbox/", "/forwardings/new/", "/reviews/", "/data/", "/packets/", "/audit/"]),
        (admin, ["/admin/", "/admin/compliance/dutyrule/"]),
    ):
        context = context_for(browser, live_server, user)
        page = context.new_page()
        console = []
        page.on("console", lambda m, console=console: console.append(m.text))
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            headers = response.headers
            assert "script-src 'self'" in headers["content-security-policy"], path
            assert "camera=()" in headers["permissions-policy"], path
            page.wait_for_load_state("networkidle")
            if path == "/api/docs/":
                # The docs page drew the schema's operations (server-rendered, no inline script).
                page.wait_for_selector("#quick-start, h2", timeout=20_000)
            if path == "/":
                # htmx works: a filter swaps the results in place.
                with page.expect_request(lambda r: r.headers.get("hx-request") == "true"):
                    page.locator("#obligation-results a[hx-get]").first.click()
                page.wait_for_load_state("networkidle")
            problems = violations(page, console)
            if problems:
                found[path] = problems
            console.clear()
        context.close()
    assert not found, found


def test_an_inline_script_is_refused(browser, live_server, seed):
    """The policy is enforced, not just sent: a script injected as inline code does not run."""
    context = context_for(browser, live_server)
    page = context.new_page()
    page.goto("/public/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = true";
                   document.head.appendChild(s); }"""
    )
    assert page.evaluate("window.__ran === true") is False
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
    context.close()

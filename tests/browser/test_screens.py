"""Every menu page, for every role, at 1366×900 and on a 390×844 phone, in Korean and
English: axe-core finds no WCAG 2.1 A/AA violation, every form control can be seen and
reached by keyboard with a visible focus ring, no text is under 13px, no page scrolls
sideways. And after a bad submit the error summary takes focus.

Fast on purpose (one browser for the session, one context per role, signed in by
cookie): each role is one test that walks its pages and reports every problem at once.
Set WEGO_SHOTS_DIR to also keep a screenshot of each page.
"""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from compliance.models import Document
from tests.tools import require_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
LANGUAGES = ("ko", "en")

# Pages a role reaches from the page itself rather than the main menu.
EXTRA_PAGES = {
    # The compliance record is in the menu; its public twin is reached from /public/.
    "council": ["/alerts/", "/alerts/preferences/", "/public/performance/?as_of=2024-04-03"],
    "wego": ["/alerts/", "/alerts/preferences/"],
    "dpo": [
        "/alerts/",
        "/alerts/preferences/",
        "/data/import/",
        "/forwardings/new/",
        "/committee-reports/new/",
        "/evaluations/new/",
        "/inspections/new/",
    ],
    "admin": ["/alerts/", "/data/import/"],
}
# Every role reads a received document's review page (its thread, its forms for those who
# record outcomes): the seed's first document stands for all of them.
REVIEW_PAGE = "/documents/{pk}/review/"

# One pass in the page: what a person would notice. Returns a list of problems.
PAGE_CHECKS = """() => {
  const problems = [];
  const seen = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "")
      + (el.textContent.trim() ? " '" + el.textContent.trim().slice(0, 30) + "'" : "");
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    const scrolls = (el) => el.parentElement && el.parentElement.closest(".krds-table-wrap, .app-table-scroll");
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !scrolls(el))
      .slice(0, 3).map(name);
    problems.push(`wider than the window: ${doc.scrollWidth}px > ${window.innerWidth}px (${wide.join(", ")})`);
  }
  // Text under 13px (screen-reader-only text aside).
  const small = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !el || !seen(el)) continue;
    const style = getComputedStyle(el);
    if (style.clip === "rect(0px, 0px, 0px, 0px)" || el.closest(".sr-only, [aria-hidden=true], script, style")) continue;
    if (parseFloat(style.fontSize) < 13) small.add(name(el) + " " + style.fontSize);
  }
  if (small.size) problems.push("text under 13px: " + [...small].slice(0, 5).join("; "));
  // Controls: visible, focusable, with a focus ring.
  const controls = [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
    .filter((el) => !el.closest("[hidden], [inert]") && !el.disabled);
  for (const el of controls) {
    const choice = el.type === "checkbox" || el.type === "radio";
    const label = choice && el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    const shown = choice ? label : el;
    if (!shown) { problems.push("checkbox or radio without its own label: " + name(el)); continue; }
    if (shown.getClientRects().length === 0) continue;  // not rendered: a collapsed menu
    const box = shown.getBoundingClientRect();
    const style = getComputedStyle(shown);
    const mark = choice ? getComputedStyle(label, "::before") : null;
    if (box.width < 1 || box.height < 1 || style.visibility === "hidden" || parseFloat(style.opacity) === 0
        || (choice && (mark.content === "none" || parseFloat(mark.width) < 8))) {
      problems.push("control not visible: " + name(el));
      continue;
    }
    if (el.tabIndex < 0) { problems.push("control not reachable by keyboard: " + name(el)); continue; }
    el.focus({ preventScroll: true });
    if (document.activeElement !== el) { problems.push("control does not take focus: " + name(el)); continue; }
    const ring = (s) => (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== "none");
    const focused = choice ? [getComputedStyle(label), getComputedStyle(label, "::before")] : [getComputedStyle(el)];
    if (!focused.some(ring)) problems.push("no visible focus ring: " + name(el));
    el.blur();
  }
  // Links in running text and tables look like links.
  for (const a of document.querySelectorAll("main :is(p, li, td, th, dd) a:not([class]), main a.app-link")) {
    if (!seen(a) || a.closest("nav")) continue;
    if (!getComputedStyle(a).textDecorationLine.includes("underline")) problems.push("link not underlined: " + name(a));
  }
  return problems;
}"""

TAB_WALK = """(max) => {
  const wanted = [...document.querySelectorAll("main :is(input:not([type=hidden]), select, textarea, button)")]
    .filter((el) => !el.disabled && !el.closest("[hidden]") && (el.getClientRects().length || el.type === "checkbox" || el.type === "radio"));
  // A radio group is one Tab stop (arrows move inside it).
  return [...new Set(wanted.map((el) => el.type === "radio" ? "radio:" + el.name : el.id || el.name + "=" + el.value))];
}"""


# Pages whose main content was already checked at the same size and language for another
# role (the header, which differs by role, is checked on each role's first page).
_CHECKED = set()
MAIN_CONTENT_KEY = """() => {
  const main = document.querySelector("main").cloneNode(true);
  main.querySelectorAll("input[type=hidden]").forEach((el) => el.removeAttribute("value"));
  return main.innerHTML;
}"""


def _signed_in_context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul")
    context.set_default_timeout(10_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    context.add_init_script(path=str(require_axe()))
    return context


def _axe(page):
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            resultTypes: ["violations"],
            // No re-download and parse of the stylesheets (KRDS is 580 KB) on every page:
            // only css-orientation-lock needs it, and nothing here locks orientation.
            preload: false,
            iframes: false,
        })"""
    )
    return [f"axe {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def _tab_walk(page):
    """Press Tab through the page; every control in the main content must be reached."""
    wanted = page.evaluate(TAB_WALK, None)
    if not wanted:
        return []
    reached = set()
    page.locator("#main-content").focus()
    # Enough presses to pass every focusable element once (links included), plus slack.
    stops = page.evaluate(
        "() => document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]').length"
    )
    for _ in range(max(len(wanted) * 3, stops) + 40):
        page.keyboard.press("Tab")
        key = page.evaluate(
            "() => { const el = document.activeElement;"
            " return el.type === 'radio' ? 'radio:' + el.name : el.id || el.name + '=' + el.value; }"
        )
        reached.add(key)
        if set(wanted) <= reached:
            return []
    return [f"not reached with Tab: {sorted(set(wanted) - reached)[:5]}"]


def _menu_pages(page):
    page.goto("/")
    hrefs = page.eval_on_selector_all("#app-menu a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if not h.startswith("/admin/")]


@pytest.mark.parametrize("role", ["council", "wego", "dpo", "admin"])
def test_every_menu_page_is_accessible_visible_and_fits(
    role, browser, live_server, seed, council_user, wego_user, dpo_user, admin_user
):
    user = {"council": council_user, "wego": wego_user, "dpo": dpo_user, "admin": admin_user}[role]
    shots = os.environ.get("WEGO_SHOTS_DIR")
    context = _signed_in_context(browser, live_server, user)
    page = context.new_page()
    problems = []
    try:
        first_document = Document.objects.order_by("pk").first()
        pages = _menu_pages(page) + EXTRA_PAGES[role] + [REVIEW_PAGE.format(pk=first_document.pk)]
        assert len(pages) >= 5, pages
        for lang in LANGUAGES:
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
            for size, (width, height) in SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                for url in pages:
                    where = f"[{role} {lang} {size} {url}]"
                    t0 = time.perf_counter()
                    response = page.goto(url)
                    t1 = time.perf_counter()
                    if response.status != 200:
                        problems.append(f"{where} HTTP {response.status}")
                        continue
                    if page.locator("html").get_attribute("lang") != lang:
                        problems.append(f"{where} page is not in {lang}")
                    key = (url, lang, size, hash(page.evaluate(MAIN_CONTENT_KEY)))
                    if key in _CHECKED and url != pages[0]:
                        continue
                    _CHECKED.add(key)
                    problems += [f"{where} {p}" for p in _axe(page)]  # first: focus changes colours
                    t2 = time.perf_counter()
                    page.keyboard.press("Shift")  # the last input was the keyboard: focus rings show
                    problems += [f"{where} {p}" for p in page.evaluate(PAGE_CHECKS)]
                    if lang == "ko" and size == "desktop":
                        problems += [f"{where} {p}" for p in _tab_walk(page)]
                    t3 = time.perf_counter()
                    if os.environ.get("WEGO_TIMING"):
                        print(f"{where} goto {t1 - t0:.2f} axe {t2 - t1:.2f} rest {t3 - t2:.2f}")
                    if shots:
                        name = f"{role}-{lang}-{width}-{url.strip('/').replace('/', '_') or 'home'}.png"
                        page.screenshot(path=str(Path(shots) / name), full_page=True)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_submit_focuses_the_error_summary_which_links_to_each_field(
    lang, browser, live_server, seed, dpo_user, wego_user
):
    prefix = {"ko": "오류", "en": "Error"}[lang]
    review = REVIEW_PAGE.format(pk=Document.objects.order_by("-pk").first().pk)
    for user, url, submit in (
        (dpo_user, "/forwardings/new/", "main form [type=submit]"),
        (wego_user, "/submissions/new/", "main form [type=submit]"),
        (dpo_user, "/data/import/", "main form [type=submit]"),
        (dpo_user, review, "[data-testid=outcome-form] [type=submit]"),
    ):
        context = _signed_in_context(browser, live_server, user)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
        page = context.new_page()
        try:
            page.set_viewport_size({"width": 390, "height": 844})
            page.goto(url)
            assert not page.title().startswith(prefix)
            page.locator(submit).first.click()
            summary = page.locator("[data-error-summary]")
            summary.wait_for()  # a new page, or the upload form's answer swapped in by htmx
            assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')"), url
            assert page.title().startswith(prefix), page.title()
            links = summary.locator("a[href^='#']")
            assert links.count() >= 1
            # Every field error is listed at once, and each link lands on its field.
            assert links.count() == page.locator(".form-hint-invalid").count()
            for i in range(links.count()):
                target = links.nth(i).get_attribute("href")[1:]
                links.nth(i).click()
                assert page.evaluate("document.activeElement.id") == target
                page.locator("[data-error-summary]").focus()
            assert _axe(page) == []
        finally:
            context.close()


def test_the_dashboard_an_obligation_and_a_receipt_print_as_content_only(browser, live_server, seed, council_user):
    context = _signed_in_context(browser, live_server, council_user)
    page = context.new_page()
    try:
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.emulate_media(media="print")
        page.goto("/")
        obligation = page.locator("main a[href^='/obligations/']").first.get_attribute("href")
        page.goto("/submissions/")
        receipt = page.locator("main a[href^='/submissions/']").first.get_attribute("href")
        for url in ("/", obligation, receipt):
            page.goto(url)
            hidden = page.evaluate(
                """() => ["#krds-header", "#krds-footer", ".app-filters", ".app-breadcrumb"]
                    .filter((s) => document.querySelector(s))
                    .every((s) => getComputedStyle(document.querySelector(s)).display === "none")"""
            )
            assert hidden, url
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
            assert page.locator("main h1").is_visible(), url
    finally:
        context.close()

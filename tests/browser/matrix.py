"""Check a list of pages at both sizes and in both languages with the checks of
test_screens (axe-core WCAG 2.1 A/AA, visible controls with focus rings, no text under
13px, no sideways scroll). Set WEGO_SHOTS_DIR to keep a screenshot of each page."""

import os
from pathlib import Path

from django.conf import settings

from tests.browser.test_screens import LANGUAGES, PAGE_CHECKS, SIZES, _axe


def page_problems(context, page, live_server, urls, label="page"):
    """Every problem on `urls` (paths), each prefixed with where it was seen."""
    shots = os.environ.get("WEGO_SHOTS_DIR")
    problems = []
    for lang in LANGUAGES:
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            for url in urls:
                where = f"[{label} {lang} {size} {url}]"
                response = page.goto(url)
                if response.status >= 500:
                    problems.append(f"{where} HTTP {response.status}")
                    continue
                if page.locator("html").get_attribute("lang") != lang:
                    problems.append(f"{where} page is not in {lang}")
                if not page.evaluate("typeof window.axe !== 'undefined'"):
                    page.evaluate(
                        (Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js").read_text()
                    )  # CSP: no inline <script>
                problems += [f"{where} {p}" for p in _axe(page)]
                page.keyboard.press("Shift")
                problems += [f"{where} {p}" for p in page.evaluate(PAGE_CHECKS)]
                if shots:
                    slug = url.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-")
                    name = f"{label}-{lang}-{width}-{slug or 'home'}.png"
                    page.screenshot(path=str(Path(shots) / name), full_page=True)
    return problems

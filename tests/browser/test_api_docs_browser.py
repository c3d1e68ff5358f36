"""/api/docs/ in Chromium (issue 24): the site's header and language, and no axe-core
finding at either size in either language (Swagger UI had 120)."""

import pytest

from tests.browser.matrix import page_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_pass_axe_at_both_sizes_in_both_languages(browser, live_server, seed):
    context = browser.new_context(base_url=live_server.url, locale="ko-KR", timezone_id="Asia/Seoul")
    page = context.new_page()
    try:
        problems = page_problems(context, page, live_server, ["/api/docs/"], label="api")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

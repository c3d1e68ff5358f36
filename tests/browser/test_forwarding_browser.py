"""No duplicate forwarding in a browser (issue 24): the Digital Policy Officer sees in the
inbox and the form what was already forwarded, and a second forwarding of the same
document on the same day is refused at the documents field. axe-core finds nothing on
the inbox and the form, at both sizes and in both languages."""

import pytest
from playwright.sync_api import expect

from compliance.models import ForwardingItem
from tests.browser.matrix import page_problems
from tests.browser.test_screens import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_second_forwarding_on_the_same_day_is_refused_in_the_form(page, live_server, seed, dpo_user, login):
    item = ForwardingItem.objects.filter(document__isnull=False).select_related("forwarding").first()
    day = item.forwarding.forwarded_on
    login(dpo_user, next_url=f"/inbox/?q={item.document.title}")
    expect(page.get_by_test_id(f"forwarded-{item.document_id}").first).to_contain_text("제출")
    expect(page.get_by_test_id(f"forward-{item.document_id}")).to_have_text("다시 제출")
    page.get_by_test_id(f"forward-{item.document_id}").click()
    # The form: documents grouped by fiscal year, the forwarded one saying when.
    group = page.locator("fieldset.app-choice-group", has_text=f"{item.document.fiscal_year}회계연도")
    expect(group.locator("label", has_text=item.document.title).first).to_contain_text("제출")
    page.locator("#id_forwarded_on").fill(day.isoformat())
    page.locator("form [type=submit]").last.click()
    expect(page.locator("[data-error-summary]")).to_contain_text("하루에 두 번 제출하지 않습니다")
    assert ForwardingItem.objects.filter(document=item.document, forwarding__forwarded_on=day).count() == 1


def test_the_inbox_and_the_form_pass_axe(browser, live_server, seed, dpo_user):
    context = _signed_in_context(browser, live_server, dpo_user)
    page = context.new_page()
    try:
        problems = page_problems(context, page, live_server, ["/inbox/", "/forwardings/new/"], label="dpo")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

"""Journey (c) of issue 24: WeGO sees a revision request on sign-in. The city asks for a
revision; a WeGO user signs in, the header's badge counts it, the alerts inbox names the
document and its internal target, and the alert leads to the review thread. axe-core
finds nothing on the inbox, at both sizes and in both languages."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance.models import Document, ReviewOutcome
from compliance.services import review
from tests.browser.matrix import page_problems
from tests.browser.test_screens import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revision_requested(seed, dpo_user, wego_user):  # WeGO exists before the request
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    review.do_record_review(
        by=dpo_user,
        thread_document=draft,
        document=draft,
        decision=ReviewOutcome.Decision.REVISION_REQUESTED,
        message="합성 시험: 예산표를 보완해 주십시오.",
        target_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    return draft


def test_wego_sees_the_revision_request_on_sign_in(page, live_server, revision_requested, wego_user, login):
    login(wego_user)
    badge = page.get_by_test_id("unread-badge")
    expect(badge).to_contain_text("1")
    badge.click()
    alert = page.locator(".app-alert", has_text=revision_requested.title)
    expect(alert).to_contain_text("보완 요청")
    expect(alert).to_contain_text("내부 목표일")
    alert.locator("a.app-alert__title").click()
    expect(page.get_by_test_id("review-thread")).to_contain_text("합성 시험: 예산표를 보완해 주십시오.")


def test_the_alerts_inbox_passes_axe(browser, live_server, revision_requested, wego_user):
    context = _signed_in_context(browser, live_server, wego_user)
    page = context.new_page()
    try:
        problems = page_problems(context, page, live_server, ["/alerts/"], label="wego")
    finally:
        context.close()
    assert not problems, "\n".join(problems)

"""The smaller items of issue 24: the review list searches, sorts and pages, and a
historical document is not "awaiting review" for ever; review states are distinct chips;
e-mails name the document and speak to their reader; council staff are told of a
forwarding; the review form marks its conditionally required target date."""

import datetime

import pytest
from django.test import Client

from compliance import services
from compliance.emails import render_email
from compliance.models import Document, Notification, ReviewOutcome, Submission
from compliance.services import review
from compliance.services.receipts import receipt_context

pytestmark = pytest.mark.django_db


def page(user, url, lang="ko", **query):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client.get(url, query)


def test_the_review_list_searches_sorts_and_pages(seed, council_user):
    html = page(council_user, "/reviews/", q="정산").content.decode()
    assert 'data-testid="review-list"' in html and "정산" in html and "사업계획" not in html.split("<tbody>")[1]
    sorted_by_title = page(council_user, "/reviews/", sort="document").context["table"]
    titles = [row.record["title"] for row in sorted_by_title.paginated_rows]
    assert titles == sorted(titles)
    assert 'aria-sort="ascending"' in page(council_user, "/reviews/", sort="document").content.decode()


def test_a_forwarded_document_without_review_is_not_awaiting_review_for_ever(seed, council_user):
    table = page(council_user, "/reviews/").context["table"]
    shown = {row.record["thread"].shown_state for row in table.paginated_rows}
    assert "forwarded_unreviewed" in shown
    awaiting = page(council_user, "/reviews/", state="awaiting_review").context["table"]
    for row in awaiting.paginated_rows:
        assert not any(
            i.kind == "forwarded" and i.document.pk == row.record["thread"].latest.pk
            for i in row.record["thread"].items
        )


def test_review_states_are_distinct_chips(seed, council_user, dpo_user):
    doc = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    review.do_record_review(
        by=dpo_user,
        thread_document=doc,
        document=doc,
        decision=ReviewOutcome.Decision.REVISION_REQUESTED,
        message="합성 시험",
        target_date=datetime.date.today() + datetime.timedelta(days=10),
    )
    html = page(council_user, "/reviews/").content.decode()
    assert "bg-light-warning app-review-state app-review-state--revision_requested" in html
    assert "bg-light-gray app-review-state app-review-state--forwarded_unreviewed" in html


def test_the_review_form_marks_the_target_date_as_required_for_a_revision(seed, dpo_user):
    doc = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    assert "내부 목표일 (보완 요청 시 필수)" in page(dpo_user, f"/documents/{doc.pk}/review/").content.decode()


def test_the_receipt_mail_names_the_document_and_the_dpo_copy_is_not_yours(
    seed, wego_user, dpo_user, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    from compliance.dataio.uploads import validate_upload
    from tests import workflow_samples as samples

    spec = services.DocSpec("plan_draft", 2027, "합성 시험 계획서(안)", [validate_upload("p.pdf", samples.pdf())])
    submission = services.do_receive_submission(by=wego_user, documents=[spec]).obj
    submission = Submission.objects.select_related("submitted_by").get(pk=submission.pk)
    subject, own, _html = render_email("submission_received", receipt_context(submission, wego_user.email), "ko")
    assert "합성 시험 계획서(안)" in subject
    assert "제출하신" in own or "접수되었습니다" in own
    _s, copy, _h = render_email("submission_received", receipt_context(submission, dpo_user.email), "ko")
    assert "제출하신" not in copy and "WeGO 사무국의 제출 문서가 접수되었습니다" in copy


def test_a_review_complete_mail_does_not_invite_a_revision(seed, dpo_user):
    doc = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    outcome = ReviewOutcome(document=doc, decision=ReviewOutcome.Decision.ACCEPTED, recorded_by=dpo_user)
    context = {"outcome": outcome, "document": doc, "site_url": "https://wego.example.invalid"}
    subject, text, html = render_email("review_outcome", context, "en")
    assert doc.title in subject
    assert "revised submission" not in text and "revised submission" not in html
    assert "Read the review" in text


def test_council_staff_are_told_of_a_forwarding(seed, dpo_user, council_user, wego_user):
    doc = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    services.do_forward_to_council(by=dpo_user, forwarded_on=datetime.date(2024, 3, 4), documents=[doc.pk], token="t")
    alert = Notification.objects.get(recipient=council_user)
    assert alert.link == "/forwardings/" and doc.title in alert.title_ko and "2024. 3. 4.(월)" in alert.title_ko
    assert not Notification.objects.filter(recipient__in=[dpo_user, wego_user]).exists()

"""The review loop's services: outcomes, comments, their rules, audit and alert e-mail."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from compliance import register, services
from compliance.dataio.uploads import validate_upload
from compliance.models import AuditEntry, Document, ReviewComment, ReviewOutcome
from compliance.reviews import (
    ReviewState,
    distinct_threads,
    lineage,
    lineage_documents,
    lineage_of,
    thread,
    threads_for,
)
from compliance.services import review
from tests import workflow_samples as samples
from wego_tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 7, 15, 3, 0, tzinfo=datetime.UTC)  # 12:00 in Seoul
TODAY = datetime.date(2025, 7, 15)
HTML = '<script>alert("x")</script><b>굵게</b> & "따옴표"'


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


def receive(user, kind, title, supersedes=None, fy=2026):
    spec = services.DocSpec(kind, fy, title, [validate_upload(f"{title}.pdf", samples.pdf(title))], supersedes)
    return services.do_receive_submission(by=user, documents=[spec]).obj.documents.get()


@pytest.fixture
def draft(seed, wego_user):
    return receive(wego_user, "plan_draft", "2026년도 사업계획서(안)")


def request_revision(by, doc, *, thread_document=None, message="예산표를 보완해 주십시오.", target=TODAY, **kw):
    return review.do_record_review(
        by=by,
        thread_document=thread_document or doc,
        document=doc,
        decision=ReviewOutcome.Decision.REVISION_REQUESTED,
        message=message,
        target_date=target,
        **kw,
    )


def test_a_revision_request_names_what_and_an_internal_target(draft, dpo_user):
    outcome = request_revision(dpo_user, draft, target=TODAY + datetime.timedelta(days=14)).obj
    assert outcome.target_date == datetime.date(2025, 7, 29)
    assert outcome.recorded_by_role == "digital_policy_officer"
    assert thread(draft).state == ReviewState.REVISION_REQUESTED
    assert thread(draft).open_request == outcome


def test_a_target_in_the_past_is_refused_with_a_message(draft, dpo_user):
    with pytest.raises(ValidationError) as error:
        request_revision(dpo_user, draft, target=TODAY - datetime.timedelta(days=1))
    assert "is in the past" in str(error.value.message_dict["target_date"])
    assert not ReviewOutcome.objects.exists()


def test_a_revision_request_needs_what_must_change_and_a_target(draft, dpo_user):
    with pytest.raises(ValidationError) as error:
        request_revision(dpo_user, draft, message="  ")
    assert "message" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        request_revision(dpo_user, draft, target=None)
    assert "target_date" in error.value.message_dict


def test_a_return_needs_a_reason_and_an_acceptance_has_no_target(draft, dpo_user):
    with pytest.raises(ValidationError):
        review.do_record_review(by=dpo_user, thread_document=draft, document=draft, decision="returned", message="")
    accepted = review.do_record_review(
        by=dpo_user, thread_document=draft, document=draft, decision="accepted", target_date=TODAY
    ).obj
    assert accepted.target_date is None


def test_a_review_of_a_document_of_another_lineage_is_refused(draft, dpo_user):
    other = Document.objects.get(fiscal_year=2024, kind="plan_draft", supersedes__isnull=True)
    with pytest.raises(ValidationError) as error:
        request_revision(dpo_user, other, thread_document=draft)
    assert "is not a version of" in str(error.value)
    with pytest.raises(ValidationError):
        review.do_add_comment(by=dpo_user, thread_document=draft, document=other, body="x")
    assert not ReviewOutcome.objects.exists() and not ReviewComment.objects.exists()


def test_an_outcome_on_a_superseded_version_is_refused(draft, dpo_user, wego_user):
    receive(wego_user, "plan_revision", "2026년도 사업계획서(안)_수정제출", supersedes=draft)
    with pytest.raises(ValidationError) as error:
        request_revision(dpo_user, draft)
    assert "A newer version" in str(error.value)


def test_a_20000_character_comment_is_refused_not_truncated(draft, wego_user):
    with pytest.raises(ValidationError) as error:
        review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body="가" * 20_000)
    assert "20,000 characters" in str(error.value)
    assert not ReviewComment.objects.exists()
    exactly = review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body="가" * 10_000).obj
    assert len(exactly.body) == 10_000


def test_comments_and_outcomes_cannot_be_edited_or_deleted(draft, wego_user, dpo_user):
    comment = review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body="첫 의견").obj
    outcome = request_revision(dpo_user, draft).obj
    for obj in (comment, outcome):
        with pytest.raises(PermissionError):
            obj.save()
        with pytest.raises(PermissionError):
            obj.delete()
        with pytest.raises(PermissionError):
            type(obj).objects.filter(pk=obj.pk).update(created_at=NOW)
        with pytest.raises(PermissionError):
            type(obj).objects.filter(pk=obj.pk).delete()
    # A correction is a new comment; the first stays as written.
    review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body="정정: 둘째 의견")
    assert [c.body for c in thread(draft).comments] == ["첫 의견", "정정: 둘째 의견"]


def test_every_outcome_and_comment_is_audited(draft, wego_user, dpo_user):
    request_revision(dpo_user, draft, ip="10.0.0.7")
    review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body=HTML)
    entries = AuditEntry.objects.filter(model__in=["compliance.reviewoutcome", "compliance.reviewcomment"])
    assert [(e.model, e.actor_name, e.action) for e in entries.order_by("seq")] == [
        ("compliance.reviewoutcome", "dpo", "create"),
        ("compliance.reviewcomment", "wego", "create"),
    ]
    assert entries.first().ip_address == "10.0.0.7"
    assert f" document:{draft.pk} " in entries.first().refs


def test_a_review_never_changes_a_statutory_status(draft, dpo_user):
    before = [(o.key, o.status, o.fulfilled_on) for o in register.load().obligations(TODAY)]
    review.do_record_review(by=dpo_user, thread_document=draft, document=draft, decision="returned", message="반려")
    after = [(o.key, o.status, o.fulfilled_on) for o in register.load().obligations(TODAY)]
    assert before == after


def test_the_thread_follows_the_lineage_draft_revision_final(draft, wego_user, dpo_user):
    request_revision(dpo_user, draft)
    review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body="수정하여 제출하겠습니다.")
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        revision = receive(wego_user, "plan_revision", "수정제출", supersedes=draft)
    assert thread(draft).state == ReviewState.REVISED
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        review.do_record_review(by=dpo_user, thread_document=draft, document=revision, decision="accepted")
    with time_machine.travel(NOW + datetime.timedelta(hours=3), tick=False):
        final = receive(wego_user, "plan_final", "최종", supersedes=revision)
    t = thread(final)
    assert [v.pk for v in t.versions] == [draft.pk, revision.pk, final.pk]
    assert [i.kind for i in thread(draft).items] == [i.kind for i in t.items]  # one thread, from any version
    assert [i.kind for i in t.items] == ["received", "outcome", "comment", "received", "outcome", "received"]
    assert t.state == ReviewState.AWAITING  # the final has not been reviewed yet


def test_a_lineage_is_read_by_walking_supersedes_not_by_reading_the_fiscal_year(draft, wego_user):
    """The recursive lineage query finds exactly what scanning every document finds: a
    branching tree from any of its versions, and nothing of the lineages around it."""
    a = receive(wego_user, "plan_revision", "수정 A", supersedes=draft)
    b = receive(wego_user, "plan_revision", "수정 B", supersedes=draft)  # a second branch
    a2 = receive(wego_user, "plan_final", "최종 A", supersedes=a)
    other = receive(wego_user, "plan_draft", "다른 계획서(안)")
    other2 = receive(wego_user, "plan_revision", "다른 수정", supersedes=other)
    receive(wego_user, "plan_draft", "다음 연도 계획서(안)", fy=2027)
    everything = {d.pk: d for d in Document.objects.select_related("submission")}
    reg = register.load()
    for doc in (draft, a, b, a2, other, other2):
        expected = [v.pk for v in lineage_of(everything, everything[doc.pk])]
        assert [v.pk for v in lineage(doc)] == expected
        assert [v.pk for v in thread(doc).versions] == expected
        # The register's index of lineages (what the pages pass) names the same versions.
        assert reg.lineage_ids([doc.pk]) == set(expected)
        assert [v.pk for v in threads_for([doc], reg.lineage_ids)[doc.pk].versions] == expected
    page = [other2.pk, a2.pk, b.pk, other.pk]
    with_index = [[v.pk for v in t.versions] for t in distinct_threads(page, reg.lineage_ids)]
    assert with_index == [[v.pk for v in t.versions] for t in distinct_threads(page)]
    assert with_index == [[other.pk, other2.pk], [v.pk for v in lineage(a2)]]
    assert {v.pk for v in lineage(a2)} == {draft.pk, a.pk, b.pk, a2.pk}
    assert {v.pk for v in lineage(other)} == {other.pk, other2.pk}
    assert set(lineage_documents([b.pk, other2.pk]).values_list("pk", flat=True)) == {
        draft.pk,
        a.pk,
        b.pk,
        a2.pk,
        other.pk,
        other2.pk,
    }


@pytest.fixture
def eager():
    """Tasks run in-process, through `compliance.queue` as in production."""
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = old


def test_the_alert_email_goes_to_wego_after_the_commit_with_html_as_text(
    draft, dpo_user, wego_user, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_revision(dpo_user, draft, message=HTML)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == [wego_user.email]
    assert HTML in message.body  # plain text: the characters as written
    html = message.alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "not a legal deadline" in message.body or "법정 기한이 아닙니다" in message.body

"""The review pages and the read log, through the views."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from compliance import services
from compliance.dataio.uploads import validate_upload
from compliance.models import AuditEntry, DocumentFile, ReadLogEntry, ReviewComment, ReviewOutcome
from compliance.services import review
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 7, 15, 3, 0, tzinfo=datetime.UTC)
HTML = "<img src=x onerror=alert(1)><b>굵게</b>"


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    settings.LANGUAGE_CODE = "en"
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def draft(seed, wego_user):
    spec = services.DocSpec("plan_draft", 2026, "2026 plan draft", [validate_upload("p.pdf", samples.pdf())])
    return services.do_receive_submission(by=wego_user, documents=[spec]).obj.documents.get()


def outcome_post(client, doc, **data):
    payload = {"document": doc.pk, "decision": "revision_requested", "message": "보완", "target_date": "2025-07-31"}
    payload.update(data)
    return client.post(reverse("review_outcome_new", args=[doc.pk]), payload)


def comment_post(client, doc, body, **data):
    return client.post(reverse("review_comment_new", args=[doc.pk]), {"document": doc.pk, "body": body, **data})


def test_the_dpo_asks_for_a_revision_and_wego_sees_it(client, draft, dpo_user, wego_user):
    client.force_login(dpo_user)
    assert outcome_post(client, draft).status_code == 302
    client.force_login(wego_user)
    page = client.get(reverse("document_review", args=[draft.pk])).content.decode()
    assert 'data-testid="open-request"' in page
    assert "not a legal deadline" in page
    assert f"supersedes={draft.pk}" in page
    listing = client.get(reverse("review_list")).content.decode()
    assert 'data-review-state="revision_requested"' in listing


def test_council_staff_read_the_thread_but_cannot_write(client, draft, council_user, dpo_user):
    review.do_add_comment(by=dpo_user, thread_document=draft, document=draft, body="검토 중")
    client.force_login(council_user)
    page = client.get(reverse("document_review", args=[draft.pk]))
    assert page.status_code == 200 and "검토 중" in page.content.decode()
    assert 'data-testid="outcome-form"' not in page.content.decode()
    assert 'data-testid="comment-form"' not in page.content.decode()
    assert outcome_post(client, draft).status_code == 403
    assert comment_post(client, draft, "x").status_code == 403
    assert not ReviewOutcome.objects.exists() and ReviewComment.objects.count() == 1


def test_wego_comments_but_never_records_an_outcome(client, draft, wego_user):
    client.force_login(wego_user)
    assert outcome_post(client, draft).status_code == 403
    assert comment_post(client, draft, "보완하겠습니다").status_code == 302
    assert ReviewComment.objects.get().author == wego_user


def test_html_in_a_comment_is_shown_as_text(client, draft, wego_user, council_user):
    client.force_login(wego_user)
    comment_post(client, draft, HTML)
    client.force_login(council_user)
    page = client.get(reverse("document_review", args=[draft.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;굵게&lt;/b&gt;" in page


def test_a_20000_character_comment_is_refused_with_the_text_kept(client, draft, wego_user):
    client.force_login(wego_user)
    response = comment_post(client, draft, "a" * 20_000)
    assert response.status_code == 400
    page = response.content.decode()
    assert "20,000 characters" in page
    assert "a" * 20_000 in page  # given back to edit, not cut
    assert "maxlength" not in page.split('data-testid="comment-form"')[1].split("</form>")[0]
    assert not ReviewComment.objects.exists()


def test_a_past_target_date_is_refused_on_the_page(client, draft, dpo_user):
    client.force_login(dpo_user)
    response = outcome_post(client, draft, target_date="2025-07-14")
    assert response.status_code == 400 and "is in the past" in response.content.decode()


def test_a_review_posted_for_another_lineage_is_refused(client, draft, dpo_user):
    from compliance.models import Document

    other = Document.objects.get(fiscal_year=2024, kind="plan_draft", supersedes__isnull=True)
    client.force_login(dpo_user)
    response = outcome_post(client, draft, document=other.pk)
    assert response.status_code == 400 and "is not a version of" in response.content.decode()


def test_the_obligation_page_shows_the_review_timeline(client, draft, dpo_user, council_user):
    review.do_record_review(by=dpo_user, thread_document=draft, document=draft, decision="accepted")
    client.force_login(council_user)
    page = client.get(reverse("obligation_detail", args=[f"forward_plan_to_council-2026-d{draft.pk}"]))
    assert 'data-testid="review-timeline"' in page.content.decode()
    assert 'data-decision="accepted"' in page.content.decode()


def test_every_download_is_in_the_read_log_and_only_the_city_sees_it(client, draft, council_user, dpo_user):
    stored = DocumentFile.objects.get(document=draft)
    client.force_login(council_user)
    assert client.get(reverse("file_download", args=[stored.pk])).status_code == 200
    entry = ReadLogEntry.objects.get()
    assert (entry.user, entry.user_role, entry.kind, entry.file, entry.name) == (
        council_user,
        "council_staff",
        "file",
        stored,
        "p.pdf",
    )
    assert list(entry.documents.all()) == [draft]
    # Reads are not in the audit trail (which council staff can read).
    assert not AuditEntry.objects.filter(model="compliance.readlogentry").exists()
    assert client.get(reverse("document_read_log", args=[draft.pk])).status_code == 403
    client.force_login(dpo_user)
    page = client.get(reverse("document_read_log", args=[draft.pk])).content.decode()
    assert 'data-role="council_staff"' in page and "p.pdf" in page


def test_the_review_export_keeps_html_as_text_and_never_holds_the_read_log(client, draft, wego_user, council_user):
    review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body=HTML)
    client.force_login(council_user)
    stored = DocumentFile.objects.get(document=draft)
    client.get(reverse("file_download", args=[stored.pk]))
    response = client.get(reverse("export_records", args=["reviews"]), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    assert HTML in text and "comment" in text and "wego" in text
    assert "council" not in text  # who downloaded what is not exported


def test_a_public_register_download_is_counted_without_identifying_the_visitor(client, draft, dpo_user):
    from compliance.services import open_register

    services.do_forward_to_council(by=dpo_user, forwarded_on=datetime.date(2025, 7, 15), documents=[draft])
    stored = DocumentFile.objects.get(document=draft)
    open_register.do_set_file_public(by=dpo_user, file_id=stored.pk, public=True)
    assert client.get(f"/public/files/{stored.pk}/", REMOTE_ADDR="203.0.113.9").status_code == 200
    entry = ReadLogEntry.objects.get()
    assert (entry.kind, entry.user, entry.user_name, entry.ip_address) == ("public_file", None, "", None)
    client.force_login(dpo_user)
    page = client.get(reverse("document_read_log", args=[draft.pk])).content.decode()
    assert "anonymous visitor" in page

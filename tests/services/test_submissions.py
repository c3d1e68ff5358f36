"""WeGO submits documents: receipt, private storage, e-mail, and every way to get it wrong."""

import datetime
import hashlib
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from compliance import services
from compliance.dataio.uploads import validate_upload
from compliance.models import AuditEntry, Document, DocumentFile, FormToken, LogLeaf, Submission
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; Korean is checked in test_refusals_are_in_korean_by_default."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


NOW = datetime.datetime(2025, 7, 15, 10, 30, tzinfo=datetime.UTC)  # 19:30 KST


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def blobs(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def form(kind="plan_draft", fiscal_year=2026, files=None, token="tok-1", **extra):
    data = {"kind": kind, "fiscal_year": fiscal_year, "title": "", "note": "", "form_token": token}
    data["files"] = files if files is not None else [SimpleUploadedFile("2026 사업계획서(안).pdf", samples.pdf())]
    data.update(extra)
    return data


def post(client, data):
    return client.post(reverse("submission_new"), data)


def assert_nothing_saved(private_storage):
    assert Submission.objects.filter(submitted_by__isnull=False).count() == 0
    assert Document.objects.filter(submission__submitted_by__isnull=False).count() == 0
    assert DocumentFile.objects.count() == 0
    assert FormToken.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert blobs(private_storage) == []


def test_wego_uploads_a_plan_and_gets_a_receipt(
    client, seed, wego_user, dpo_user, private_storage, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(wego_user)
    content = samples.pdf("synthetic FY2026 plan")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form(files=[SimpleUploadedFile("plan.pdf", content)]))
    submission = Submission.objects.get(submitted_by=wego_user)
    assert response.status_code == 302
    assert response["Location"] == reverse("submission_detail", args=[submission.pk])
    assert submission.receipt_number == "WEGO-2025-0001"
    assert submission.received_on == datetime.date(2025, 7, 15)
    stored = DocumentFile.objects.get(document__submission=submission)
    digest = hashlib.sha256(content).hexdigest()
    assert (stored.sha256, stored.size, stored.content_type) == (digest, len(content), "application/pdf")
    assert blobs(private_storage) == [digest]

    page = client.get(response["Location"])
    text = page.content.decode()
    assert "WEGO-2025-0001" in text
    assert re.search(r"(2025\. 7\. 15\.\(화\)|Tue 15 Jul 2025,) 19:30 <abbr[^>]*>KST</abbr>", text)
    assert "2025-07-15" not in text  # never ISO on screen
    assert digest in text
    assert "2026년도 사업계획서(안)" in text

    # E-mail to the submitter and the Digital Policy Officer, with the hash, sent by the
    # worker's task and recorded.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([wego_user.email, dpo_user.email])
    assert sorted(submission.receipt_emails.values_list("to", "status")) == sorted(
        [(wego_user.email, "sent"), (dpo_user.email, "sent")]
    )
    assert all("WEGO-2025-0001" in m.subject and digest in m.body for m in mail.outbox)
    leaf = LogLeaf.objects.get(ref=f"document:{submission.documents.get().pk}")
    assert all(leaf.leaf_hash in m.body and f"{leaf.index}" in m.body for m in mail.outbox)


def test_receipt_pdf_holds_number_time_and_hash(client, seed, wego_user, council_user):
    client.force_login(wego_user)
    post(client, form())
    submission = Submission.objects.get(submitted_by__isnull=False)
    client.force_login(council_user)
    response = client.get(reverse("submission_receipt", args=[submission.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "WEGO-2025-0001" in text
    assert re.search(r"(2025\. 7\. 15\.\(화\)|Tue 15 Jul 2025,) 19:30 KST", text)
    assert DocumentFile.objects.get().sha256[:16] in text.replace("\n", "")
    # The receipt's proof: its transparency-log entry and leaf hash.
    leaf = LogLeaf.objects.get(ref=f"document:{submission.documents.get().pk}")
    assert leaf.leaf_hash[:16] in text.replace("\n", "")
    assert f"{leaf.index}" in text


def test_download_serves_the_exact_bytes_as_an_attachment(client, seed, wego_user, council_user):
    client.force_login(wego_user)
    content = samples.hwp()
    post(client, form(files=[SimpleUploadedFile("계획서.hwp", content)]))
    stored = DocumentFile.objects.get()
    client.force_login(council_user)
    response = client.get(reverse("file_download", args=[stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_several_files_in_one_submission(client, seed, wego_user):
    client.force_login(wego_user)
    files = [SimpleUploadedFile("a.pdf", samples.pdf("a")), SimpleUploadedFile("b.xlsx", samples.xlsx())]
    assert post(client, form(kind="results", fiscal_year=2024, files=files)).status_code == 302
    assert DocumentFile.objects.count() == 2


def test_revised_plan_supersedes_the_earlier_version(client, seed, wego_user):
    client.force_login(wego_user)
    earlier = Document.objects.filter(fiscal_year=2024, kind="plan_draft").first()
    response = post(client, form(kind="plan_revision", fiscal_year=2024, supersedes=earlier.pk))
    assert response.status_code == 302
    assert Document.objects.get(submission__submitted_by=wego_user).supersedes == earlier


def test_revised_plan_must_name_what_it_replaces(client, seed, wego_user, private_storage):
    client.force_login(wego_user)
    response = post(client, form(kind="plan_revision"))
    assert response.status_code == 400
    assert "earlier version" in response.content.decode()
    assert_nothing_saved(private_storage)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.pdf", samples.EXE, "Windows program"),
        ("plan.pdf", b"", "empty"),
        ("plan.txt", b"just text", "not accepted"),
        ("plan.hwp", samples.pdf(), "mislabelled"),
        ("locked.pdf", samples.pdf(encrypt_with="x"), "password"),
    ],
)
def test_refused_uploads_save_nothing(client, seed, wego_user, private_storage, name, content, message):
    client.force_login(wego_user)
    response = post(client, form(files=[SimpleUploadedFile(name, content)]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_saved(private_storage)


def test_oversize_upload_is_refused_with_the_limit(client, seed, wego_user, private_storage, settings):
    settings.WEGO_MAX_UPLOAD_BYTES = 2048
    client.force_login(wego_user)
    response = post(client, form(files=[SimpleUploadedFile("big.pdf", samples.pdf() + b"\0" * 4096)]))
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert_nothing_saved(private_storage)


def test_one_bad_file_refuses_the_whole_submission(client, seed, wego_user, private_storage):
    client.force_login(wego_user)
    files = [SimpleUploadedFile("good.pdf", samples.pdf()), SimpleUploadedFile("bad.pdf", samples.EXE)]
    assert post(client, form(files=files)).status_code == 400
    assert_nothing_saved(private_storage)


def test_path_tricks_in_the_name_are_neutralised(client, seed, wego_user, private_storage):
    client.force_login(wego_user)
    post(client, form(files=[SimpleUploadedFile("../../../etc/cron.d/plan.pdf", samples.pdf())]))
    stored = DocumentFile.objects.get()
    assert stored.original_name == "plan.pdf"
    # The blob lives under its hash inside the private root, nowhere else.
    assert [p.relative_to(private_storage).as_posix() for p in private_storage.rglob("*") if p.is_file()] == [
        f"{stored.sha256[:2]}/{stored.sha256}"
    ]


@pytest.mark.parametrize("fiscal_year", [1900, 2099, -1])
def test_fiscal_year_far_outside_the_data_is_refused(client, seed, wego_user, private_storage, fiscal_year):
    client.force_login(wego_user)
    response = post(client, form(fiscal_year=fiscal_year))
    assert response.status_code == 400
    assert "fiscal year must be between 2021 and 2027" in response.content.decode()
    assert_nothing_saved(private_storage)


def test_double_submit_of_the_same_form_makes_one_receipt(client, seed, wego_user):
    client.force_login(wego_user)
    first = post(client, form(token="same"))
    second = post(client, form(token="same"))
    assert Submission.objects.filter(submitted_by__isnull=False).count() == 1
    assert first["Location"] == second["Location"]


def test_the_same_file_again_for_the_same_document_is_detected(client, seed, wego_user, private_storage):
    client.force_login(wego_user)
    content = samples.pdf("once")
    post(client, form(token="a", files=[SimpleUploadedFile("plan.pdf", content)]))
    response = post(client, form(token="b", files=[SimpleUploadedFile("plan-again.pdf", content)]))
    assert response.status_code == 400
    assert "already received" in response.content.decode()
    assert "WEGO-2025-0001" in response.content.decode()
    assert Submission.objects.filter(submitted_by__isnull=False).count() == 1
    assert len(blobs(private_storage)) == 1


def test_a_failure_after_storing_a_file_leaves_no_orphan_blob(seed, wego_user, private_storage):
    """The first document's file is stored, then the second document cannot be saved
    (title too long for the column, a real database error): nothing remains."""
    good = services.DocSpec("results", 2024, "ok", [validate_upload("r.pdf", samples.pdf("r"))])
    bad = services.DocSpec("settlement", 2024, "x" * 400, [validate_upload("s.pdf", samples.pdf("s"))])
    with pytest.raises(Exception, match="too long"):
        services.do_receive_submission(by=wego_user, documents=[good, bad], token="t")
    assert_nothing_saved(private_storage)


def test_missing_csrf_token_is_refused(seed, wego_user, private_storage):
    client = Client(enforce_csrf_checks=True)
    client.force_login(wego_user)
    response = post(client, form())
    assert response.status_code == 403
    assert_nothing_saved(private_storage)


@pytest.mark.parametrize("role", ["council_staff", "digital_policy_officer", "admin"])
def test_only_the_secretariat_can_submit(client, seed, users, private_storage, role):
    client.force_login(users[role])
    assert post(client, form()).status_code == 403
    assert_nothing_saved(private_storage)


def test_submission_list_query_count_is_flat(client, seed, wego_user, django_assert_max_num_queries):
    client.force_login(wego_user)
    for i in range(3):
        post(client, form(token=f"t{i}", files=[SimpleUploadedFile(f"p{i}.pdf", samples.pdf(str(i)))]))
    # The list's pages count and its fiscal-year filter choices are one query each.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("submission_list"))
    assert response.status_code == 200
    assert response.content.decode().count(">WEGO-2025-000") == 3


def test_a_received_submission_cannot_be_changed_through_the_app(client, seed, wego_user):
    """There is no edit or delete URL for submissions; POST to the receipt is refused."""
    client.force_login(wego_user)
    post(client, form())
    submission = Submission.objects.get(submitted_by__isnull=False)
    assert client.post(reverse("submission_detail", args=[submission.pk])).status_code == 405

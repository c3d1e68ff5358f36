"""The file store full or read-only, on a real (tiny) file system: the user is told what
is wrong in their language, nothing is half-saved, and /health/ says so.

Before, a full or read-only store gave the generic 500 page ("nothing was saved,
please try again shortly"), and /health/ stayed green.
"""

import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance import storage
from compliance.models import AuditEntry, Document, DocumentFile, FormToken, Submission
from tests import workflow_samples as samples
from tests.real_parts import TinyFileSystem

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not TinyFileSystem.available(), reason="mounting a tmpfs needs root"),
]

MESSAGES = {
    "ko": "파일 저장소가 가득 찼거나 읽기 전용이어서 아무것도 저장되지 않았습니다.",
    "en": "The file store is full or read-only; nothing was saved.",
}


@pytest.fixture
def store(settings, tmp_path):
    fs = TinyFileSystem(tmp_path / "store").mount()
    settings.PRIVATE_STORAGE_ROOT = fs.path / "private"
    yield fs
    fs.unmount()


def files_in(fs):
    return sorted(str(p.relative_to(fs.path)) for p in fs.path.rglob("*") if p.is_file() and p.name != "filler")


def post(client, token="tok-1", language="ko"):
    data = {
        "kind": "plan_draft",
        "fiscal_year": 2026,
        "title": "",
        "note": "",
        "form_token": token,
        # Larger than what is left once the store is full; a real plan is megabytes.
        "files": [SimpleUploadedFile("2026 사업계획서(안).pdf", samples.pdf("synthetic plan " + "x" * 8000))],
    }
    return client.post(reverse("submission_new"), data, HTTP_ACCEPT_LANGUAGE=language)


def assert_nothing_saved(fs):
    assert not Submission.objects.filter(submitted_by__isnull=False).exists()
    assert not Document.objects.filter(submission__submitted_by__isnull=False).exists()
    assert not DocumentFile.objects.exists()
    assert not FormToken.objects.exists()
    assert not AuditEntry.objects.exists()
    assert files_in(fs) == []  # no blob, no temporary file


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_full_store_refuses_the_submission_saying_so_and_saves_nothing(client, seed, wego_user, store, language):
    store.fill()
    client.force_login(wego_user)

    response = post(client, language=language)

    assert response.status_code == 503
    assert MESSAGES[language] in response.content.decode()
    assert_nothing_saved(store)

    # Once there is room again, the very same form goes through: its token was not spent.
    (store.path / "filler").unlink()
    response = post(client, language=language)
    assert response.status_code == 302
    assert Submission.objects.filter(submitted_by=wego_user).count() == 1


def test_a_read_only_store_refuses_the_submission_saying_so_and_saves_nothing(client, seed, wego_user, store):
    store.read_only()
    client.force_login(wego_user)

    response = post(client)

    assert response.status_code == 503
    assert MESSAGES["ko"] in response.content.decode()
    assert_nothing_saved(store)


def test_health_reports_a_full_store(client, store):
    (store.path / "private").mkdir()
    assert client.get("/health/").json()["storage"] == "ok"
    store.fill()

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert (body["storage"], body["status"]) == ("error: full", "error")
    assert body["storage_low"] is True
    assert files_in(store) == []  # the probe cleaned up after itself


def test_health_reports_a_read_only_store(client, store):
    (store.path / "private").mkdir()
    store.read_only()

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["storage"] == "error: read-only"


def test_storage_errors_name_their_reason():
    assert storage.StorageUnavailable(errno.ENOSPC, "No space left on device").reason == "full"
    assert storage.StorageUnavailable(errno.EROFS, "Read-only file system").reason == "read-only"
    assert storage.StorageUnavailable(errno.EACCES, "Permission denied").reason == "EACCES"


def test_health_says_warning_not_ok_when_the_store_is_nearly_full(client, store, settings):
    (store.path / "private").mkdir()
    # The tiny store has 256 KB: less room than one largest upload.
    settings.WEGO_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

    response = client.get("/health/")

    assert response.status_code == 200  # still serving
    body = response.json()
    assert (body["storage"], body["storage_low"], body["status"]) == ("ok", True, "warning")
    settings.WEGO_MAX_UPLOAD_BYTES = 1024
    assert client.get("/health/").json()["status"] == "ok"

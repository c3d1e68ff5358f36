"""Receipt numbers come from a per-year counter: imported and deleted numbers never collide."""

import datetime
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.models import Document, DocumentFile, ReceiptCounter, Submission
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 7, 15, 10, 30, tzinfo=datetime.UTC)  # 19:30 KST


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def submit(client, text, kind="plan_draft", token=None):
    data = {
        "kind": kind,
        "fiscal_year": 2026,
        "title": "",
        "note": "",
        "form_token": token or f"tok-{text}",
        "files": [SimpleUploadedFile(f"{text}.pdf", samples.pdf(text))],
    }
    return client.post(reverse("submission_new"), data)


def numbers():
    return list(Submission.objects.exclude(receipt_number=None).order_by("pk").values_list("receipt_number", flat=True))


def test_a_number_taken_by_an_imported_receipt_is_skipped(client, seed, wego_user):
    # A receipt numbered on paper and imported: with "count + 1" the next submission but
    # one collided with it, and every later one too, with a 500.
    Submission.objects.create(received_on=datetime.date(2025, 3, 2), receipt_number="WEGO-2025-0002")
    client.force_login(wego_user)
    assert submit(client, "first").status_code == 302
    assert submit(client, "second").status_code == 302
    assert submit(client, "third").status_code == 302
    assert numbers() == ["WEGO-2025-0002", "WEGO-2025-0001", "WEGO-2025-0003", "WEGO-2025-0004"]


def test_a_deleted_receipts_number_is_not_handed_out_again(client, seed, wego_user):
    client.force_login(wego_user)
    submit(client, "first")
    submit(client, "second")
    first = Submission.objects.get(receipt_number="WEGO-2025-0001")
    DocumentFile.objects.filter(document__submission=first).delete()
    Document.objects.filter(submission=first).delete()
    first.delete()

    response = submit(client, "third")

    assert response.status_code == 302
    assert numbers() == ["WEGO-2025-0002", "WEGO-2025-0003"]


def test_numbers_restart_each_year_in_seoul_time(client, seed, wego_user):
    client.force_login(wego_user)
    submit(client, "2025")
    # 2025-12-31 15:30 UTC is already 2026-01-01 in Seoul.
    with time_machine.travel(datetime.datetime(2025, 12, 31, 15, 30, tzinfo=datetime.UTC), tick=False):
        client.force_login(wego_user)  # the first session has expired by then
        submit(client, "2026")
    assert numbers() == ["WEGO-2025-0001", "WEGO-2026-0001"]


def test_the_migration_starts_each_counter_after_the_highest_recorded_number(seed):
    for number in ("WEGO-2024-0007", "WEGO-2024-0012", "WEGO-2025-0003", "paper-17"):
        Submission.objects.create(received_on=datetime.date(2024, 5, 1), receipt_number=number)
    ReceiptCounter.objects.all().delete()
    migration = importlib.import_module("compliance.migrations.0008_receipt_counters_from_existing_receipts")

    migration.forwards(apps, None)

    assert dict(ReceiptCounter.objects.values_list("year", "last")) == {2024: 12, 2025: 3}

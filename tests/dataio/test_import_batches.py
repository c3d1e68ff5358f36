"""Imports write new records in batches: the queries do not grow with the rows, and
nothing else changes — every created record has its audit entry, the data version
changes once, a revision may replace a plan created a few rows earlier, and a refused
row still names its row and column and saves nothing."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from compliance import models, register
from compliance.models import StoredObligation
from compliance.services.imports import do_import_records

HEADERS = [
    "received_on",
    "fiscal_year",
    "kind",
    "title",
    "supersedes_received_on",
    "supersedes_kind",
    "supersedes_title",
]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def documents_csv(count, extra=()):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    for i in range(count):
        writer.writerow([f"2021-03-{1 + i // 3:02d}", 2022, "other", f"Synthetic import test document {i}", "", "", ""])
    writer.writerows(extra)
    return out.getvalue().encode("utf-8")


def import_counting_queries(data, dry_run=False):
    with CaptureQueriesContext(connection) as queries:
        report = do_import_records("documents", data, "in.csv", dry_run=dry_run)
    return report, len(queries)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(seed):
    small, small_queries = import_counting_queries(documents_csv(6))
    assert small.applied, small.as_text()
    models.Document.objects.filter(title__startswith="Synthetic import test").delete()
    models.Submission.objects.filter(documents__isnull=True).delete()
    large, large_queries = import_counting_queries(documents_csv(60))
    assert large.applied, large.as_text()
    assert large_queries == small_queries


def test_every_created_document_and_receipt_has_its_audit_entry(seed):
    before = models.AuditEntry.objects.count()
    report = do_import_records("documents", documents_csv(9), "in.csv", dry_run=False)
    assert report.applied, report.as_text()
    documents = models.Document.objects.filter(title__startswith="Synthetic import test")
    submissions = models.Submission.objects.filter(documents__in=documents).distinct()
    assert documents.count() == 9 and submissions.count() == 3
    entries = models.AuditEntry.objects.filter(seq__gt=before, action="create")
    assert sorted(entries.filter(model="compliance.document").values_list("object_pk", flat=True)) == sorted(
        str(pk) for pk in documents.values_list("pk", flat=True)
    )
    assert entries.filter(model="compliance.submission").count() == 3
    document = documents.order_by("pk").first()
    entry = entries.get(model="compliance.document", object_pk=str(document.pk))
    assert f" submission:{document.submission_id} " in entry.refs
    assert entry.changes["title"] == [None, document.title]
    from compliance.audit import verify

    assert verify(models.AuditEntry.objects.order_by("seq")) is None


def test_an_import_refreshes_the_stored_register_once(seed):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    for i in range(12):  # each a draft plan received in March 2024: a forwarding duty each
        writer.writerow([f"2024-03-{1 + i:02d}", 2025, "plan_draft", f"Synthetic import test plan {i}", "", "", ""])
    with CaptureQueriesContext(connection) as queries:
        report = do_import_records("documents", out.getvalue().encode("utf-8"), "in.csv", dry_run=False)
    assert report.applied, report.as_text()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "compliance_storedobligation" in q["sql"] and q["sql"].lstrip().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # One refresh for the whole file, nothing row by row: the twelve forwarding duties in one
    # statement, and the FY2025 plan duty (now fulfilled by the first of them) in another.
    assert sorted(w.split()[0] for w in writes) == ["INSERT", "UPDATE"]
    assert StoredObligation.objects.filter(duty="forward_plan_to_council", fiscal_year=2025).count() == 12
    assert register.verify()["ok"]


def test_a_revision_may_replace_a_plan_created_earlier_in_the_same_file(seed):
    extra = [
        ["2021-05-03", 2022, "plan_draft", "Synthetic draft plan", "", "", ""],
        [
            "2021-05-20",
            2022,
            "plan_revision",
            "Synthetic revised plan",
            "2021-05-03",
            "plan_draft",
            "Synthetic draft plan",
        ],
    ]
    report = do_import_records("documents", documents_csv(4, extra), "in.csv", dry_run=False)
    assert report.applied, report.as_text()
    revision = models.Document.objects.get(title="Synthetic revised plan")
    assert revision.supersedes.title == "Synthetic draft plan"
    assert revision.submission.received_on.isoformat() == "2021-05-20"


def test_a_refused_row_names_its_row_and_column_and_nothing_is_saved(seed):
    before = (models.Document.objects.count(), models.Submission.objects.count(), models.AuditEntry.objects.count())
    extra = [["2021-13-40", 2022, "other", "Synthetic bad date", "", "", ""]]
    report = do_import_records("documents", documents_csv(5, extra), "in.csv", dry_run=False)
    assert not report.applied
    refused = [row for row in report.rows if row.refused]
    assert [(row.line, [column for column, _m in row.messages]) for row in refused] == [(7, ["received_on"])]
    assert (
        models.Document.objects.count(),
        models.Submission.objects.count(),
        models.AuditEntry.objects.count(),
    ) == before


def test_a_dry_run_writes_nothing_and_records_nothing(seed):
    before = (models.Document.objects.count(), models.AuditEntry.objects.count())
    report = do_import_records("documents", documents_csv(7), "in.csv", dry_run=True)
    assert report.ok and not report.applied
    assert report.created == 7
    assert (models.Document.objects.count(), models.AuditEntry.objects.count()) == before


def test_holiday_overrides_import_in_a_batch_and_a_clash_within_the_file_is_refused(seed):
    rows = "date,kind,name_ko,name_en\n2031-05-05,add,합성 휴일,Synthetic holiday\n2031-05-06,add,합성 휴일 2,Synthetic 2\n"
    report = do_import_records("holiday_overrides", rows.encode(), "in.csv", dry_run=False)
    assert report.applied, report.as_text()
    assert models.HolidayOverride.objects.filter(date__year=2031).count() == 2
    clash = "date,kind,name_ko\n2031-06-01,add,합성\n2031-06-01,add,합성 중복\n"
    report = do_import_records("holiday_overrides", clash.encode(), "in.csv", dry_run=False)
    assert not report.applied
    assert [row.line for row in report.rows if row.refused] == [3]

"""Imports lose nothing: an absent column leaves fields as they are, an empty cell clears,
the dry run shows every change old → new, imported facts obey the forms' rules, and odd
files or cells are refused naming their row and column."""

import datetime
import io
import os
import time
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from compliance import models
from compliance.dataio import pending
from compliance.services.imports import do_import_records
from tests import hostile_samples as hs


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def run(name, text_or_bytes, filename="in.csv", dry_run=False):
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    return do_import_records(name, data, filename, dry_run=dry_run)


def csv_text(rows):
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def row_messages(report):
    return [(row.line, column, message) for row in report.rows for column, message in row.messages]


# --- Absent columns, empty cells, the dry run's diff ----------------------------------------


def test_an_absent_column_leaves_that_field_as_it_is(seed):
    before = models.FundingYear.objects.get(year=2019)
    assert before.dues_ratio == Decimal("12.6")
    report = run(
        "funding_years",
        "year,total_budget,seoul_support,membership_dues,source\n2019,1383123,1194572,188551,new source\n",
    )
    assert report.applied, report.as_text()
    after = models.FundingYear.objects.get(year=2019)
    assert after.dues_ratio == Decimal("12.6")
    assert after.source == "new source"


def test_a_new_document_does_not_blank_the_receipt_it_joins(seed):
    receipt = models.Submission.objects.get(received_on=datetime.date(2022, 1, 19))
    source, note = receipt.source, receipt.note
    assert source
    report = run(
        "documents",
        "received_on,fiscal_year,kind,title\n2022-01-19,2022,plan_final,synthetic added document\n",
    )
    assert report.applied, report.as_text()
    receipt.refresh_from_db()
    assert (receipt.source, receipt.note) == (source, note)
    assert models.Document.objects.get(title="synthetic added document").submission == receipt


def test_an_empty_cell_in_a_present_column_clears_and_the_dry_run_says_so(seed):
    source = models.FundingYear.objects.get(year=2019).source
    text = csv_text(
        [
            ["year", "total_budget", "seoul_support", "membership_dues", "dues_ratio", "source"],
            [2019, 1383123, 1194572, 188551, "", source],
        ]
    )
    dry = run("funding_years", text, dry_run=True)
    assert dry.ok and not dry.applied
    (row,) = dry.rows
    assert row.action == "update"
    assert [(c.column, c.old, c.new, c.cleared) for c in row.changes] == [("dues_ratio", "12.6", "", True)]
    assert "dues_ratio: 12.6 → (cleared)" in dry.as_text()
    assert models.FundingYear.objects.get(year=2019).dues_ratio == Decimal("12.6")  # a dry run saves nothing
    assert run("funding_years", text).applied
    assert models.FundingYear.objects.get(year=2019).dues_ratio is None


def test_the_dry_run_lists_every_changed_field_old_to_new(seed):
    dry = run(
        "seoul_support",
        "year,amount,seconded_staff,source\n2019,1194573,changed staff,changed source\n",
        dry_run=True,
    )
    (row,) = dry.rows
    changed = {c.column: (c.old, c.new) for c in row.changes}
    assert changed["amount"] == ("1194572", "1194573")
    assert changed["seconded_staff"][1] == "changed staff"
    assert changed["source"][1] == "changed source"
    assert "year" not in changed
    assert "amount: 1194572 → 1194573" in dry.as_text()


def test_unchanged_rows_list_no_changes(seed):
    row = models.SeoulSupport.objects.get(year=2019)
    dry = run(
        "seoul_support",
        csv_text([["year", "amount", "seconded_staff", "source"], [2019, row.amount, row.seconded_staff, row.source]]),
        dry_run=True,
    )
    assert [(r.action, r.changes) for r in dry.rows] == [("skip", [])]


# --- Imported facts obey the forms' rules -------------------------------------------------------


def _refused(report, line, column, words):
    assert not report.ok and not report.applied
    found = [(ln, col, msg) for ln, col, msg in row_messages(report) if ln == line and col == column]
    assert found, report.as_text()
    assert any(words in msg for _ln, _col, msg in found), found


def test_a_receipt_date_in_the_future_is_refused_naming_line_column_and_rule(seed):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    report = run(
        "documents",
        "received_on,fiscal_year,kind,title\n"
        f"2022-01-19,2022,plan_final,synthetic ok\n{tomorrow},2022,plan_final,synthetic future\n",
    )
    _refused(report, 3, "received_on", "cannot be in the future")
    assert not models.Document.objects.filter(title__startswith="synthetic").exists()


def test_a_forwarding_date_in_the_future_is_refused(seed):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    report = run("forwardings", f"forwarded_on,fiscal_year,kind,description\n{tomorrow},2023,plan_draft,synthetic\n")
    _refused(report, 2, "forwarded_on", "cannot be in the future")


def test_a_forwarding_before_its_receipt_is_refused(seed):
    report = run(
        "forwardings",
        "forwarded_on,fiscal_year,kind,description,document_received_on,document_title\n"
        "2022-08-01,2023,plan_draft,synthetic,2022-08-16,2023년 WeGO 주요사업계획(안)\n",
    )
    _refused(report, 2, "forwarded_on", "cannot be forwarded before that")


def test_a_committee_report_in_the_future_is_refused(seed):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    code = models.Party.objects.filter(kind=models.Party.Kind.COMMITTEE).first().code
    report = run("committee_reports", f"reported_on,committee\n{tomorrow},{code}\n")
    _refused(report, 2, "reported_on", "cannot be in the future")


@pytest.mark.parametrize("year", [1999, 2200])
def test_a_fiscal_year_outside_the_forms_range_is_refused(seed, year):
    report = run("documents", f"received_on,fiscal_year,kind,title\n2022-01-19,{year},plan_final,synthetic\n")
    _refused(report, 2, "fiscal_year", "fiscal year must be between")
    report = run("forwardings", f"forwarded_on,fiscal_year,kind,description\n2023-03-17,{year},plan_final,synthetic\n")
    _refused(report, 2, "fiscal_year", "fiscal year must be between")


@pytest.mark.parametrize("number", ["WEGO-2024-0001", "wego-2031-9", "ＷＥＧＯ-2024-0002", " WEGO-2024-0003 "])
def test_a_receipt_number_that_could_collide_with_the_apps_numbering_is_refused(seed, number):
    report = run(
        "documents",
        f"received_on,receipt_number,fiscal_year,kind,title\n2023-01-16,{number},2023,plan_final,synthetic\n",
    )
    _refused(report, 2, "receipt_number", "WEGO-")


def test_a_receipt_number_already_given_by_the_app_may_be_repeated_for_its_own_receipt(seed, wego_user):
    sub = models.Submission.objects.create(
        received_on=datetime.date(2024, 3, 4), receipt_number="WEGO-2024-0001", submitted_by=wego_user
    )
    report = run(
        "documents",
        "received_on,receipt_number,fiscal_year,kind,title\n2024-03-04,WEGO-2024-0001,2024,plan_final,synthetic\n",
    )
    assert report.applied, report.as_text()
    assert models.Document.objects.get(title="synthetic").submission == sub


def test_a_revision_must_name_what_it_replaces(seed):
    report = run("documents", "received_on,fiscal_year,kind,title\n2023-01-16,2024,plan_revision,synthetic\n")
    _refused(report, 2, "supersedes_title", "must name the earlier version")


# --- Workbooks -------------------------------------------------------------------------------


SEOUL = [["year", "amount", "seconded_staff", "source"], [2031, 1, "", "synthetic"]]


def test_a_workbook_with_several_sheets_names_the_sheet_read_and_the_others(seed):
    data = hs.xlsx(sheets={"data": SEOUL, "notes": [["x"]], "old": [["year"], [1]]})
    report = run("seoul_support", data, "in.xlsx", dry_run=True)
    assert report.ok
    assert report.info["sheet"] == "data"
    assert report.info["other_sheets"] == ["notes", "old"]
    text = report.as_text()
    assert "“data”" in text and "“notes”" in text and "“old”" in text


def test_a_password_protected_workbook_is_called_password_protected(seed):
    report = run("seoul_support", hs.encrypted_office(), "in.xlsx")
    assert any("password-protected" in e for e in report.file_errors)
    assert not any(".xls" in e for e in report.file_errors)


def test_an_old_xls_workbook_is_still_called_old(seed):
    report = run("seoul_support", hs.cfb({"Workbook": b"synthetic".ljust(4096, b"\0")}), "in.xls")
    assert any("old Excel (.xls)" in e for e in report.file_errors)


# --- Odd cells: reported by row and column, in the user's language ------------------------------


def test_a_formula_cell_is_refused_with_its_row_and_column(seed):
    data = hs.xlsx(sheets={"data": SEOUL + [[2032, 2, "", "synthetic"]]}, formula=("B3", "=1+1"))
    report = run("seoul_support", data, "in.xlsx")
    assert any("Row 3, column “amount”" in e and "formula" in e for e in report.file_errors), report.file_errors


def test_an_oversized_cell_is_refused_with_its_row_and_column(seed, settings):
    big = "x" * (settings.IMPORT_MAX_CELL_CHARS + 1)
    for data, filename in (
        (f"year,amount,seconded_staff,source\n2031,1,,{big}\n".encode(), "in.csv"),
        (hs.xlsx(sheets={"data": [SEOUL[0], [2031, 1, "", big]]}), "in.xlsx"),
    ):
        report = run("seoul_support", data, filename)
        assert any("Row 2, column “source”" in e and "characters" in e for e in report.file_errors), report.file_errors


def test_a_one_megabyte_cell_is_reported_not_a_library_error(seed):
    big = "가" * 2**20
    report = run("seoul_support", f'year,amount,seconded_staff,source\n2031,1,,"{big}"\n')
    assert any("Row 2, column “source”" in e for e in report.file_errors), report.file_errors
    assert not any("field larger than field limit" in e for e in report.file_errors)


def test_a_nul_byte_is_refused_with_its_row_and_column(seed):
    report = run("seoul_support", "year,amount,seconded_staff,source\n2031,1,a\x00b,synthetic\n")
    assert any("Row 2, column “seconded_staff”" in e and "U+0000" in e for e in report.file_errors)
    assert models.SeoulSupport.objects.filter(year=2031).count() == 0


def test_odd_cells_are_reported_in_korean(seed):
    with translation.override("ko"):
        report = run("seoul_support", "연도,국제부담금(천원),파견 인력,출처\n2031,1,a\x00b,synthetic\n")
    assert any("2행" in e and "“파견 인력”" in e for e in report.file_errors), report.file_errors


@pytest.mark.parametrize("cell", ["\t=1+1", "\r=1+1", "'\t=cmd", "  \tx"])
def test_leading_tabs_and_carriage_returns_are_refused_not_stripped(seed, cell):
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([["year", "amount", "seconded_staff", "source"], [2031, 1, cell, "synthetic"]])
    report = run("seoul_support", out.getvalue())
    assert any("Row 2, column “seconded_staff”" in e and "starts with a tab" in e for e in report.file_errors)


def test_blank_rows_still_count_in_the_reported_row_numbers(seed):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    report = run("documents", f"received_on,fiscal_year,kind,title\n\n\n{tomorrow},2022,plan_final,synthetic\n")
    _refused(report, 4, "received_on", "cannot be in the future")


# --- Abandoned dry runs ---------------------------------------------------------------------------


@pytest.fixture
def pending_dir(settings, tmp_path):
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    return settings.IMPORT_PENDING_DIR


def test_a_dry_run_file_never_confirmed_is_swept_after_its_token_expires(pending_dir, settings):
    ref, sha = pending.keep(b"year\n2031\n")
    assert pending.take(ref, sha) == b"year\n2031\n"
    path = pending_dir / ref
    old = time.time() - settings.IMPORT_PENDING_MAX_AGE - 60
    os.utime(path, (old, old))
    fresh, _sha = pending.keep(b"other")  # every dry run sweeps what expired
    assert not path.exists()
    assert (pending_dir / fresh).exists()


def test_the_daily_sweep_removes_expired_dry_runs(pending_dir, settings):
    from compliance.tasks import sweep_pending_imports

    ref, _sha = pending.keep(b"x")
    old = time.time() - settings.IMPORT_PENDING_MAX_AGE - 60
    os.utime(pending_dir / ref, (old, old))
    assert sweep_pending_imports() == 1
    assert list(pending_dir.iterdir()) == []


def test_pending_ids_cannot_name_other_files(pending_dir):
    with pytest.raises(ValueError):
        pending.take("../../etc/passwd", "0" * 64)

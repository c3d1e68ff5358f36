"""Bad files and bad rows: a clear report, the right refusal, and nothing half-imported."""

import io
import time
import zipfile

import pytest
from django.utils import translation

from compliance import models
from compliance.dataio.exports import export_records
from compliance.dataio.tables import write_table
from compliance.services.imports import do_import_records


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the Korean ones are checked where a test asks for "ko"."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


SEOUL_HEADERS = "year,amount,seconded_staff,source\n"


def counts():
    return (
        models.SeoulSupport.objects.count(),
        models.HolidayOverride.objects.count(),
        models.Document.objects.count(),
        models.Submission.objects.count(),
        list(models.DutyRule.objects.order_by("code").values_list("grace_business_days", flat=True)),
    )


@pytest.fixture
def before(seed):
    return counts()


def run(name, text_or_bytes, filename="in.csv", dry_run=False):
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    return do_import_records(name, data, filename, dry_run=dry_run)


def messages(report):
    return [m for row in report.rows for _c, m in row.messages]


def test_unknown_column_refuses_the_file(before):
    report = run("seoul_support", SEOUL_HEADERS.strip() + ",colour\n2030,1,,synthetic,red\n")
    assert not report.ok and "Unknown column(s): colour" in report.file_errors[0]
    assert counts() == before


def test_missing_required_column_refuses_the_file(before):
    report = run("seoul_support", "year,seconded_staff\n2030,x\n")
    assert any("Missing required column(s): amount, source" in e for e in report.file_errors)
    assert counts() == before


def test_impossible_date_is_refused_with_the_row(before):
    report = run("holiday_overrides", "date,kind,name_ko\n2030.10.02,add,합성 휴일\n2023.13.45,add,합성 휴일\n")
    assert report.rows[0].action == "new" and report.rows[1].refused
    assert report.rows[1].line == 3
    assert report.rows[1].messages == [("date", "“2023.13.45” is not a real calendar date.")]
    assert counts() == before  # the valid first row was not saved either


def test_dotted_korean_dates_are_accepted(before):
    report = run("holiday_overrides", "date,kind,name_ko,source\n2030. 10. 2.,add,합성 휴일,SYNTHETIC\n")
    assert report.applied
    assert models.HolidayOverride.objects.get().date.isoformat() == "2030-10-02"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "-5 is below the smallest allowed value, 0."),
        ("abc", "“abc” is not a whole number."),
        ("1.5", "“1.5” is not a whole number."),
    ],
)
def test_negative_or_non_numeric_amount_is_refused(before, amount, message):
    report = run("seoul_support", SEOUL_HEADERS + f"2030,{amount},,SYNTHETIC\n")
    assert report.rows[0].messages == [("amount", message)]
    assert counts() == before


def test_amount_with_thousands_separators_is_a_number(before):
    report = run("seoul_support", SEOUL_HEADERS + '2030,"1,262,500",,SYNTHETIC\n')
    assert report.applied and models.SeoulSupport.objects.get(year=2030).amount == 1262500


def test_duplicate_row_is_refused(before):
    report = run("seoul_support", SEOUL_HEADERS + "2030,1,,SYNTHETIC\n2030,2,,SYNTHETIC\n")
    assert report.rows[1].refused and report.rows[1].messages == [("", "Duplicate of row 2 (same year).")]
    assert counts() == before


def test_unknown_duty_code_is_refused(before):
    text = export_records("duty_rules", "csv")[0].decode("utf-8-sig")
    header, first, *rest = text.splitlines()
    changed = first.replace("plan_to_mayor", "plan_to_the_moon", 1)
    report = run("duty_rules", "\n".join([header, changed, *rest]))
    refused = [r for r in report.rows if r.refused]
    assert len(refused) == 1 and refused[0].key == "plan_to_the_moon"
    assert "Unknown duty code “plan_to_the_moon”" in refused[0].messages[0][1]
    assert counts() == before


def test_unknown_party_in_a_duty_rule_is_refused(before):
    text = export_records("duty_rules", "csv")[0].decode("utf-8-sig")
    text = text.replace(",wego_secretariat,mayor,", ",wego_secretariat,nobody,", 1)
    report = run("duty_rules", text)
    assert any("Unknown party code “nobody”" in m for m in messages(report))
    assert counts() == before


def test_changing_a_duty_rule_updates_only_that_rule(before):
    text = export_records("duty_rules", "csv")[0].decode("utf-8-sig")
    lines = text.splitlines()
    header = lines[0].split(",")
    grace = header.index("grace_business_days")
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    target = next(r for r in rows if r[0] == "forward_plan_to_council")
    target[grace] = "15"
    data = write_table(rows[0], rows[1:], "csv")
    report = run("duty_rules", data)
    assert report.applied and report.updated == 1 and report.unchanged == 8
    assert models.DutyRule.objects.get(code="forward_plan_to_council").grace_business_days == 15


def test_zip_that_is_not_a_workbook_is_refused(before):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", "synthetic")
        archive.writestr("photo.png", b"\x89PNG")
    report = run("seoul_support", buf.getvalue(), "figures.xlsx")
    assert report.file_errors == [
        "The file is a ZIP archive but not an Excel workbook (it holds: notes.txt, photo.png)."
    ]
    assert counts() == before


def test_text_named_xlsx_is_refused(before):
    report = run("seoul_support", SEOUL_HEADERS, "figures.xlsx")
    assert report.file_errors == ["The file is named .xlsx but is not an Excel workbook."]


def test_old_xls_is_refused(before):
    report = run("seoul_support", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls")
    assert "old Excel (.xls)" in report.file_errors[0]


def test_fifty_thousand_rows_are_refused_quickly_and_clearly(before):
    body = "".join(f"{1000 + i % 9000},{i},,SYNTHETIC\n" for i in range(50_000))
    started = time.perf_counter()
    report = run("seoul_support", SEOUL_HEADERS + body)
    elapsed = time.perf_counter() - started
    assert report.file_errors == [
        "The file has more than 10,000 data rows (50,000 counted); split it into smaller files."
    ]
    assert elapsed < 5
    assert counts() == before


def test_a_workbook_over_the_row_limit_is_refused_too(before, settings):
    """The workbook's own reader counts its rows against the same limit; lowered here so
    the workbook is small (the CSV test above keeps the real 10,000 limit and size)."""
    settings.IMPORT_MAX_ROWS = 100
    data = write_table(["year", "amount", "seconded_staff", "source"], [[1, i, "", "S"] for i in range(500)], "xlsx")
    report = run("seoul_support", data, "big.xlsx")
    assert report.file_errors == ["The file has more than 100 data rows (500 counted); split it into smaller files."]
    assert counts() == before
    settings.IMPORT_MAX_ROWS = 500
    assert "more than" not in " ".join(run("seoul_support", data, "big.xlsx").file_errors)


def test_utf8_with_bom_imports(before):
    report = run("seoul_support", "\ufeff" + SEOUL_HEADERS + "2030,1,파견 없음,합성 자료 SYNTHETIC\n")
    assert report.applied and report.info["encoding"] == "UTF-8 (BOM)"
    assert models.SeoulSupport.objects.get(year=2030).seconded_staff == "파견 없음"


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr"])
def test_cp949_and_euc_kr_csv_import(before, encoding):
    text = '연도,국제부담금(천원),파견 인력,출처\n2030,"1,000",5급(1명),합성 자료 (시험용)\n'
    report = run("seoul_support", text.encode(encoding), "korean.csv")
    assert report.applied, report.as_text()
    assert report.info["encoding"] == "CP949/EUC-KR"
    row = models.SeoulSupport.objects.get(year=2030)
    assert (row.amount, row.seconded_staff, row.source) == (1000, "5급(1명)", "합성 자료 (시험용)")


def test_a_file_mixing_utf8_and_cp949_lines_is_refused(before):
    data = (SEOUL_HEADERS + "2030,1,파견,SYNTHETIC\n").encode("utf-8") + "2031,1,파견,SYNTHETIC\n".encode("cp949")
    report = run("seoul_support", data)
    assert "mixes text encodings" in report.file_errors[0]
    assert counts() == before


def test_bytes_that_are_no_known_encoding_are_refused(before):
    report = run("seoul_support", SEOUL_HEADERS.encode() + b"2030,1,\xff\xfe\xff,S\n")
    assert report.file_errors and "neither UTF-8 nor CP949" in report.file_errors[0]


def test_unknown_document_reference_refuses_the_forwarding_row(before):
    text = "forwarded_on,fiscal_year,kind,description,document_received_on,document_title\n"
    text += "2024-01-05,2024,plan_final,SYNTHETIC,2024-01-01,없는 문서\n"
    report = run("forwardings", text)
    assert "No received document matches “없는 문서” (Business plan (final), FY 2024, Mon 1 Jan 2024)." in messages(
        report
    )
    assert models.Forwarding.objects.count() == 4

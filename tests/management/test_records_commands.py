"""`import_records` / `export_records`: exit 0 when all rows are valid, 2 with a report otherwise."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from compliance import models


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the Korean ones are checked where a test asks for "ko"."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def run_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_records", *args, stdout=out, stderr=err, language="en")
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_export_then_import_of_the_same_file_exits_0_and_changes_nothing(seed, tmp_path):
    path = tmp_path / "documents.xlsx"
    call_command("export_records", "documents", "--format", "xlsx", "-o", str(path), stderr=io.StringIO())
    code, out, _err = run_import("documents", str(path))
    assert code == 0 and "14 rows: 0 to create, 0 to update, 14 unchanged, 0 refused." in out


@pytest.mark.django_db
def test_a_bad_row_exits_2_with_a_row_by_row_report(seed, tmp_path):
    path = tmp_path / "support.csv"
    path.write_text("year,amount,seconded_staff,source\n2030,1,,SYNTHETIC\n2031,x,,SYNTHETIC\n")
    code, _out, err = run_import("seoul_support", str(path))
    assert code == 2
    assert "Row 3 [refused] 2031" in err and "amount: “x” is not a whole number." in err
    assert not models.SeoulSupport.objects.filter(year__gte=2030).exists()


@pytest.mark.django_db
def test_dry_run_saves_nothing(seed, tmp_path):
    path = tmp_path / "support.csv"
    path.write_text("year,amount,seconded_staff,source\n2030,1,,SYNTHETIC\n")
    code, out, _err = run_import("seoul_support", str(path), "--dry-run")
    assert code == 0 and "Dry run: nothing was saved." in out
    assert not models.SeoulSupport.objects.filter(year=2030).exists()


@pytest.mark.django_db
def test_a_cp949_file_imports_from_the_command_line(seed, tmp_path):
    path = tmp_path / "sessions.csv"
    path.write_bytes("회기,종류,시작일,종료일,출처\n900,regular,2030.06.10,2030.06.20,합성 자료\n".encode("cp949"))
    code, out, _err = run_import("council_sessions", str(path))
    assert code == 0 and "Encoding: CP949/EUC-KR" in out
    assert models.CouncilSession.objects.get(number=900).source == "합성 자료"


@pytest.mark.django_db
def test_unknown_resource_and_missing_file_are_errors_with_code_2(seed, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("import_records", "obligations", str(tmp_path / "x.csv"))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("import_records", "documents", str(tmp_path / "missing.csv"))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("export_records", "obligations", "--as-of", "2023-13-45")
    assert exc.value.returncode == 2


@pytest.mark.django_db
def test_export_with_korean_headers_to_a_file(seed, tmp_path):
    path = tmp_path / "dues.xlsx"
    call_command(
        "export_records",
        "dues_collection",
        "--format",
        "xlsx",
        "--korean-headers",
        "-o",
        str(path),
        stderr=io.StringIO(),
    )
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["연도", "징수 대상(회원)", "납부 회원"]
    assert sheet["A2"].value == 2019 and sheet["E2"].value == 188551

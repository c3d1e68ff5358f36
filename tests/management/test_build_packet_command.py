"""`manage.py build_packet`: the contract scripts rely on."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def test_builds_the_fy2024_plan_packet_to_a_file(seed, tmp_path):
    out = tmp_path / "plan.pdf"
    stdout = io.StringIO()
    call_command(
        "build_packet",
        "--fiscal-year",
        "2024",
        "--scope",
        "plan",
        "--as-of",
        "2024-06-01",
        "-o",
        str(out),
        stdout=stdout,
    )
    reader = PdfReader(out)
    assert f"{len(reader.pages)} pages" in stdout.getvalue()
    assert "주택공간위원회" in reader.pages[0].extract_text()


def test_english_on_request(seed, tmp_path):
    out = tmp_path / "results-en.pdf"
    call_command(
        "build_packet",
        "--fiscal-year",
        "2023",
        "--scope",
        "results",
        "--lang",
        "en",
        "--as-of",
        "2024-06-01",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    cover = PdfReader(out).pages[0].extract_text()
    assert "Housing and Space Committee" in cover and "Seoul Metropolitan Council" in cover


def test_an_empty_scope_writes_no_pdf(seed, tmp_path):
    out = tmp_path / "empty.pdf"
    with pytest.raises(CommandError) as error:
        call_command("build_packet", "--fiscal-year", "2019", "--scope", "plan", "-o", str(out))
    assert error.value.returncode == 1
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["--scope", "plan", "--fiscal-year", "abc"],
        ["--scope", "plan"],
        ["--scope", "range", "--from", "2024-01-01"],
        ["--scope", "range", "--from", "2024-02-30", "--to", "2024-03-01"],
        ["--scope", "range", "--from", "2024-03-01", "--to", "2024-01-01"],
        ["--scope", "plan", "--fiscal-year", "2024", "--as-of", "yesterday"],
    ],
)
def test_bad_input_exits_with_code_2(seed, tmp_path, args):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as error:
        call_command("build_packet", *args, "-o", str(out))
    assert error.value.returncode == 2
    assert not out.exists()


def test_missing_output_folder_exits_with_code_2(seed, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("build_packet", "--scope", "plan", "--fiscal-year", "2024", "-o", str(tmp_path / "no" / "x.pdf"))
    assert error.value.returncode == 2

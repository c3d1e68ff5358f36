"""Content sniffing of uploads: pure, no database."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compliance.dataio.uploads import safe_filename, sniff, validate_upload
from tests import workflow_samples as samples


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; Korean is checked in test_refusals_are_in_korean_by_default."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("plan.pdf", samples.pdf, "pdf"),
        ("계획서.hwp", samples.hwp, "hwp"),
        ("계획서.hwpx", samples.hwpx, "hwpx"),
        ("results.docx", samples.docx, "docx"),
        ("settlement.xlsx", samples.xlsx, "xlsx"),
        ("bundle.zip", lambda: samples.zip_of([("a.pdf", samples.pdf()), ("b.hwp", samples.hwp())]), "zip"),
    ],
)
def test_accepted_types_are_recognised_by_content(name, build, kind):
    checked = validate_upload(name, build())
    assert checked.kind == kind
    assert checked.name == name


def _refusal(name, data):
    with pytest.raises(ValidationError) as info:
        validate_upload(name, data)
    return info.value.code, " ".join(info.value.messages)


def test_empty_file_is_refused():
    assert _refusal("plan.pdf", b"")[0] == "empty"


def test_windows_program_named_pdf_is_refused_as_wrong_type():
    code, message = _refusal("plan.pdf", samples.EXE)
    assert code == "type"
    assert "Windows program" in message


def test_pdf_named_hwp_is_refused_as_mislabelled():
    code, message = _refusal("plan.hwp", samples.pdf())
    assert code == "mislabelled"
    assert ".pdf" in message


def test_file_without_extension_is_refused_as_mislabelled():
    assert _refusal("plan", samples.pdf())[0] == "mislabelled"


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("locked.pdf", lambda: samples.pdf(encrypt_with="secret")),
        ("locked.hwp", lambda: samples.hwp(password=True)),
        ("locked.docx", samples.encrypted_office),
        ("locked.zip", samples.encrypted_zip),
    ],
)
def test_password_protected_files_are_refused(name, build):
    code, message = _refusal(name, build())
    assert code == "encrypted"
    assert "password" in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cut.pdf", samples.pdf()[:300]),
        ("garbage.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 100),
        ("broken.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ],
)
def test_corrupt_files_are_refused(name, data):
    assert _refusal(name, data)[0] == "corrupt"


def test_legacy_office_document_is_not_an_accepted_type():
    code, message = _refusal("old.doc", samples.legacy_doc())
    assert code == "type"
    assert "Office" in message


def test_zip_holding_a_program_is_refused_naming_the_member():
    code, message = _refusal("bundle.zip", samples.zip_of([("a.pdf", samples.pdf()), ("setup.pdf", samples.EXE)]))
    assert code == "type"
    assert "setup.pdf" in message


def test_zip_inside_zip_is_refused():
    inner = samples.zip_of([("a.pdf", samples.pdf())])
    assert _refusal("bundle.zip", samples.zip_of([("inner.zip", inner)]))[0] == "type"


def test_oversize_file_is_refused_with_the_limit(settings):
    settings.WEGO_MAX_UPLOAD_BYTES = 1000
    code, message = _refusal("big.pdf", samples.pdf() + b"\0" * 1000)
    assert code == "too_large"
    assert "1000" in message or "KB" in message


def test_zip_bomb_limits(settings):
    settings.WEGO_MAX_ZIP_EXPANDED_BYTES = 10_000
    bomb = samples.zip_of([("a.pdf", b"%PDF-" + b"\0" * 50_000)])
    assert _refusal("bomb.zip", bomb)[0] == "zip_limits"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\계획서.hwp", "계획서.hwp"),
        ("/abs/path/plan.pdf", "plan.pdf"),
        ("plan\u202efdp.exe", "planfdp.exe"),
        ("..", "file"),
        ("  .hidden.pdf ", "hidden.pdf"),
        ("a\x00b.pdf", "ab.pdf"),
    ],
)
def test_path_tricks_in_names_are_neutralised(raw, safe):
    assert safe_filename(raw) == safe


def test_long_names_keep_their_extension():
    name = safe_filename("가" * 400 + ".pdf")
    assert len(name) == 200
    assert name.endswith(".pdf")


def test_sniff_needs_no_extension():
    assert sniff(samples.hwpx()) == "hwpx"


def test_refusals_are_in_korean_by_default():
    with translation.override("ko"):
        code, message = _refusal("plan.pdf", samples.EXE)
    assert code == "type"
    assert "Windows 실행 파일" in message

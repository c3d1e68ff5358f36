"""Hostile uploads: active content, polyglots, macros, remote templates, unsafe archives,
truncated and damaged files, encryption and names. Pure (no database); every file is
built by tests/hostile_samples.py."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compliance.dataio.uploads import validate_upload
from compliance.filecheck import Limits, inspect_pdf
from tests import hostile_samples as hs


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def refusal(name, data):
    with pytest.raises(ValidationError) as info:
        validate_upload(name, data)
    return info.value.code, " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (hs.pdf_javascript, "JavaScript"),
        (hs.pdf_page_action, "JavaScript"),
        (hs.pdf_escaped_javascript, "JavaScript"),
        (hs.pdf_javascript_in_object_stream, "JavaScript"),
        (hs.pdf_launch, "launches a program"),
        (hs.pdf_embedded_file, "embedded files"),
        (hs.pdf_xfa, "XFA"),
    ],
)
def test_pdf_with_active_content_is_refused_saying_what_it_holds(build, what):
    code, message = refusal("plan.pdf", build())
    assert code == "active"
    assert what in message


@pytest.mark.parametrize(("build", "what"), [(hs.pdf_polyglot_zip, "ZIP"), (hs.pdf_polyglot_html, "HTML")])
def test_pdf_that_is_also_another_file_is_refused(build, what):
    code, message = refusal("plan.pdf", build())
    assert code == "polyglot"
    assert what in message


def test_zip_that_is_also_a_pdf_is_refused():
    # A PDF header in the first kilobyte makes PDF readers open the ZIP as a PDF.
    data = hs.zipped([("%PDF-1.7 synthetic.pdf", hs.pdf())])
    assert refusal("bundle.zip", data)[0] == "polyglot"


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("results.docx", hs.docm_renamed),
        ("results.docx", hs.docx_with_hidden_vba),
        ("results.docx", hs.docx_dde),
        ("results.docx", hs.docx_with_package),
        ("results.docx", hs.ole_with_macros),  # a Word 97 file with macros, renamed
        ("results.doc", hs.ole_with_macros),
        ("settlement.xlsx", hs.xlsm_renamed),
        ("settlement.xlsx", hs.xlsx_with_macrosheet),
        ("settlement.xlsx", lambda: hs.ole_with_macros("Workbook")),
    ],
)
def test_office_files_with_macros_are_refused_whatever_their_name(name, build):
    code, message = refusal(name, build())
    assert code == "macros"
    assert "macros" in message


@pytest.mark.parametrize("build", [hs.docx_remote_template, hs.docx_remote_object])
def test_office_files_loading_remote_templates_or_objects_are_refused(build):
    code, message = refusal("results.docx", build())
    assert code == "external"
    assert "external or remote template" in message


def test_an_ordinary_hyperlink_is_not_a_remote_template():
    assert validate_upload("results.docx", hs.docx_with_link()).kind == "docx"


@pytest.mark.parametrize(
    "member",
    [
        "../plan.pdf",
        "a/../../plan.pdf",
        "..\\plan.pdf",
        "/etc/plan.pdf",
        "C:/plan.pdf",
        "c:plan.pdf",
        "\\\\host\\plan.pdf",
    ],
)
def test_zip_members_with_path_parts_are_refused(member):
    code, message = refusal("bundle.zip", hs.zipped([(member, hs.pdf())]))
    assert code == "zip_names"
    assert "unsafe names" in message


def test_zip_with_a_symlink_is_refused():
    data = hs.zipped([("plan.pdf", b"/etc/passwd")], symlinks=("plan.pdf",))
    assert refusal("bundle.zip", data)[0] == "zip_names"


@pytest.mark.parametrize("names", [("plan.pdf", "plan.pdf"), ("plan.pdf", "PLAN.pdf")])
def test_zip_with_duplicate_names_is_refused(names):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate it is asked to write
        data = hs.zipped([(names[0], hs.pdf("a")), (names[1], hs.pdf("b"))])
    assert refusal("bundle.zip", data)[0] == "zip_names"


def test_documents_are_zips_too_and_their_member_names_are_checked():
    data = hs.docx(extra=[("../evil.xml", b"<x/>")])
    assert refusal("results.docx", data)[0] == "zip_names"


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("plan.pdf", lambda: hs.truncated(hs.pdf())),
        ("plan.hwp", lambda: hs.truncated(hs.hwp())),
        ("plan.hwp", lambda: hs.hwp(section=b"not a compressed HWP section")),
        ("plan.hwp", lambda: hs.hwp(section=hs.raw_deflate(hs.hwp_record(0x42, b"x" * 40))[:-4])),
        ("plan.hwp", lambda: hs.hwp(docinfo=hs.raw_deflate(hs.hwp_record(0x10, b"x" * 40)[:-5]))),
        ("plan.hwp", lambda: hs.hwp().replace("DocInfo".encode("utf-16-le"), "XocInfo".encode("utf-16-le"))),
        ("plan.hwpx", lambda: hs.truncated(hs.hwpx())),
        ("plan.hwpx", lambda: hs.hwpx(section=b"<hp:sec><hp:p>unclosed")),
        ("plan.hwpx", lambda: hs.corrupt_member(hs.hwpx(), "Contents/section0.xml")),
        ("results.docx", lambda: hs.truncated(hs.docx())),
        ("results.docx", lambda: hs.docx(body=b"<w:p>unclosed")),
        ("results.docx", lambda: hs.corrupt_member(hs.docx(), "word/document.xml")),
        ("settlement.xlsx", lambda: hs.truncated(hs.xlsx())),
        ("settlement.xlsx", lambda: hs.corrupt_member(hs.xlsx(), "xl/workbook.xml")),
        ("bundle.zip", lambda: hs.truncated(hs.zipped([("a.pdf", hs.pdf()), ("b.pdf", hs.pdf("b"))]))),
        ("bundle.zip", lambda: hs.corrupt_member(hs.zipped([("a.pdf", hs.pdf())]), "a.pdf")),
    ],
)
def test_truncated_and_damaged_files_are_refused(name, build):
    code, message = refusal(name, build())
    assert code == "corrupt", message
    assert "corrupt" in message


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_password_protected_pdf_is_refused_as_password_protected(algorithm):
    code, message = refusal("plan.pdf", hs.pdf_encrypted(algorithm))
    assert code == "encrypted"
    assert "password-protected" in message


def test_pdf_with_only_an_owner_password_opens_and_is_accepted():
    assert validate_upload("plan.pdf", hs.pdf_encrypted("AES-256", user_password="")).kind == "pdf"


def test_password_protected_pdf_is_refused_in_korean():
    with translation.override("ko"):
        code, message = refusal("plan.pdf", hs.pdf_encrypted("AES-256"))
    assert code == "encrypted"
    assert "암호" in message


@pytest.mark.parametrize("name", [".pdf", "..pdf", " .pdf", "folder/.pdf", ".", ""])
def test_a_file_named_only_by_its_extension_gets_a_message_about_its_name(name):
    code, message = refusal(name, hs.pdf())
    assert code == "name"
    assert "must end in" not in message


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("plan.pdf", hs.pdf, "pdf"),
        ("plan.hwp", hs.hwp, "hwp"),
        ("plan.hwpx", hs.hwpx, "hwpx"),
        ("results.docx", hs.docx, "docx"),
        ("settlement.xlsx", hs.xlsx, "xlsx"),
        ("bundle.zip", lambda: hs.zipped([("a.pdf", hs.pdf()), ("dir/b.hwp", hs.hwp())]), "zip"),
    ],
)
def test_clean_files_of_every_type_are_still_accepted(name, build, kind):
    assert validate_upload(name, build()).kind == kind


def test_a_valid_pdf_too_heavy_to_merge_is_accepted_and_left_to_the_packet():
    data = hs.pdf_inflate_bomb(megabytes=40)
    assert inspect_pdf(data).heavy == "content"
    assert validate_upload("plan.pdf", data).kind == "pdf"


def test_inspection_of_an_inflate_bomb_is_bounded():
    import resource
    import time

    data = hs.pdf_inflate_bomb(megabytes=300)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    facts = inspect_pdf(data, Limits(content_bytes=8 * 2**20, page_content_bytes=8 * 2**20))
    assert facts.heavy == "content"
    assert time.monotonic() - started < 5
    # ru_maxrss is in KiB on Linux: the check never holds the inflated stream.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024


@pytest.mark.parametrize("build", [hs.ole_with_macros, hs.docm_renamed, hs.xlsm_renamed])
def test_oletools_agrees_that_the_macro_samples_hold_macros(build):
    from compliance.filecheck.common import olevba_finds_macros

    assert olevba_finds_macros(build())

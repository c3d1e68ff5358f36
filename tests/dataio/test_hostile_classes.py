"""The hostile input classes of issue 25, each refused (or shown safely) as a class, not
one sample: quoting that swallows lines, workbooks declaring millions of texts or cells,
HWPX loading parts from elsewhere, comments that show nothing, bidi controls, names
ending in dots, refused background imports and their files, reports in the user's
language. Every sample here is synthetic."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from compliance.dataio import pending
from compliance.dataio.resources import ImportFileError
from compliance.dataio.tables import read_table
from compliance.dataio.uploads import validate_upload
from compliance.templatetags.compliance_tags import user_text
from tests import hostile_samples as hs

HEADER = "year,amount,seconded_staff,source\n"


# --- CSV quoting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('2030,1,,"SYNTHETIC\n2031,2,,SYNTHETIC\n', 2, "never closed"),
        ('2030,1,,"SYNTHETIC\n2031,2,,SYNTHETIC"\n2032,3,,SYNTHETIC\n', 2, "closed only on line 3"),
        ('2030,1,,SYNTHETIC\n2031,2,"\n2032,3,,SYNTHETIC\n', 3, "never closed"),
    ],
)
def test_a_quote_that_swallows_lines_is_refused_naming_its_line(body, line, words):
    with translation.override("en"), pytest.raises(ImportFileError) as info:
        read_table((HEADER + body).encode(), "records.csv")
    message = str(info.value)
    assert f"Line {line} opens a quote" in message and words in message


def test_a_quoted_cell_with_a_line_break_and_a_quote_inside_text_are_still_read():
    text = HEADER + '2030,1,,"SYNTHETIC first line\nsecond line"\n2031,2,,12" SYNTHETIC monitor\n2032,3,,"say ""hi"""\n'
    dataset, info = read_table(text.encode(), "records.csv")
    assert info["rows"] == 3
    assert dataset[0][3] == "SYNTHETIC first line\nsecond line"
    assert dataset[1][3] == '12" SYNTHETIC monitor'


def test_the_quote_message_is_korean_for_a_korean_user():
    with translation.override("ko"), pytest.raises(ImportFileError) as info:
        read_table((HEADER + '2030,1,,"SYNTHETIC\n2031,2,,SYNTHETIC\n').encode(), "records.csv")
    assert "2번째 줄" in str(info.value)


# --- XLSX bounds ---------------------------------------------------------------------


def workbook_declaring(strings=0, rows=0, cells_per_row=1):
    """A tiny-looking XLSX whose parts declare `strings` shared strings and `rows` rows."""
    data = hs.xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if strings and info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            if rows and info.filename.startswith("xl/worksheets/"):
                cells = b"".join(b'<c r="A1" t="n"><v>1</v></c>' for _ in range(cells_per_row))
                body = (
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    + b"".join(b'<row r="%d">%s</row>' % (n + 1, cells) for n in range(rows))
                    + b"</sheetData></worksheet>"
                )
            dst.writestr(info, body)
        if strings:
            dst.writestr(
                "xl/sharedStrings.xml",
                b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + b"<si><t>SYNTHETIC</t></si>" * strings
                + b"</sst>",
            )
    return out.getvalue()


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: workbook_declaring(strings=3_000_000), "different texts"),
        (lambda: workbook_declaring(rows=150_000), "rows"),
        (lambda: workbook_declaring(rows=9_000, cells_per_row=60), "cells"),
    ],
)
def test_a_workbook_declaring_millions_is_refused_before_parsing_fast_and_small(build, words):
    data = build()
    assert len(data) < 2 * 2**20  # small when compressed
    started = time.monotonic()
    with translation.override("en"), pytest.raises(ImportFileError) as info:
        read_table(data, "records.xlsx")
    elapsed = time.monotonic() - started
    assert words in str(info.value)
    assert elapsed < 15, elapsed  # before: minutes
    tracemalloc.start()  # measured apart: tracing slows every allocation
    with pytest.raises(ImportFileError):
        read_table(data, "records.xlsx")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 64 * 2**20, peak  # before: over 400 MB


def test_reading_a_workbook_stops_at_the_time_limit(settings):
    settings.WEGO_IMPORT_READ_SECONDS = 0
    with translation.override("en"), pytest.raises(ImportFileError) as info:
        read_table(workbook_declaring(rows=2_000), "records.xlsx")
    assert "took longer than 0 seconds" in str(info.value)


# --- HWPX loading parts from elsewhere ------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        [("Contents/_rels/section0.xml.rels", hs.RELS % hs.relationship(b"image", b"https://images.invalid/a.png"))],
        [("META-INF/_rels/container.rels", hs.RELS % hs.relationship(b"oleObject", b"file:///C:/x.bin"))],
    ],
)
def test_hwpx_with_an_external_relationship_is_refused_like_docx(extra):
    with pytest.raises(ValidationError) as info:
        validate_upload("plan.hwpx", hs.hwpx(extra=extra))
    assert info.value.code == "external"


@pytest.mark.parametrize(
    "part",
    [
        b"<opf:package xmlns:opf='urn:x'><opf:manifest><opf:item id='i1' href='http://images.invalid/a.png'/>"
        b"</opf:manifest></opf:package>",
        b"<opf:package xmlns:opf='urn:x'><opf:item id='i1' href='\\\\server\\share\\a.png'/></opf:package>",
    ],
)
def test_hwpx_whose_manifest_points_elsewhere_is_refused(part):
    data = hs.zipped(
        [
            ("mimetype", b"application/hwp+zip"),
            ("META-INF/container.xml", b"<ocf:container xmlns:ocf='urn:x'/>"),
            ("Contents/content.hpf", part),
            ("Contents/section0.xml", b"<hp:sec xmlns:hp='urn:x'><hp:p>synthetic test HWPX</hp:p></hp:sec>"),
        ]
    )
    with pytest.raises(ValidationError) as info:
        validate_upload("plan.hwpx", data)
    assert info.value.code == "external"


def test_hwpx_with_local_parts_and_a_hyperlink_in_its_text_is_accepted():
    section = (
        b"<hp:sec xmlns:hp='urn:x'><hp:p>synthetic <hp:fieldBegin type='HYPERLINK'><hp:stringParam name='Command'>"
        b"https://www.example.invalid/</hp:stringParam></hp:fieldBegin></hp:p><hp:img binaryItemIDRef='image1'/></hp:sec>"
    )
    manifest = [
        (
            "Contents/content.hpf",
            b"<opf:package xmlns:opf='urn:x'><opf:item id='image1' href='BinData/a.png'/></opf:package>",
        )
    ]
    assert validate_upload("plan.hwpx", hs.hwpx(section=section, extra=[])).kind == "hwpx"
    data = hs.zipped(
        [
            ("mimetype", b"application/hwp+zip"),
            *manifest,
            ("Contents/section0.xml", section),
        ]
    )
    assert validate_upload("plan.hwpx", data).kind == "hwpx"


# --- Names ending in dots or spaces -------------------------------------------------


@pytest.mark.parametrize("name", ["plan.pdf. ", "plan.pdf.", "plan.pdf  ", "plan.pdf . ."])
def test_a_name_ending_in_dots_or_spaces_is_the_name_windows_would_save(name):
    checked = validate_upload(name, hs.pdf())
    assert checked.name == "plan.pdf"


# --- Text that shows nothing; bidi controls -----------------------------------------


def test_user_text_is_escaped_and_each_line_isolated():
    html = user_text("<b>x</b>\u202eabc\nline two")
    assert html == "<bdi>&lt;b&gt;x&lt;/b&gt;\u202eabc</bdi><br><bdi>line two</bdi>"


INVISIBLE = ["\u200b\u200b", "\u3164", "\u202e\u202c", "\ufeff \u2060", "\u115f\u1160", "\u2800", "\u00a0\u3000"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", INVISIBLE)
def test_a_comment_made_only_of_invisible_characters_is_refused(seed, wego_user, body, settings, tmp_path):
    from compliance import services
    from compliance.models import ReviewComment
    from compliance.services import review
    from tests import workflow_samples as samples

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    spec = services.DocSpec("plan_draft", 2026, "synthetic", [validate_upload("p.pdf", samples.pdf())])
    doc = services.do_receive_submission(by=wego_user, documents=[spec]).obj.documents.get()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        review.do_add_comment(by=wego_user, thread_document=doc, document=doc, body=body)
    assert "Write a comment." in " ".join(info.value.messages)
    assert not ReviewComment.objects.exists()
    # Visible text with a bidi control is kept as written (and shown isolated).
    review.do_add_comment(by=wego_user, thread_document=doc, document=doc, body="\u202eSYNTHETIC")
    assert ReviewComment.objects.get().body == "\u202eSYNTHETIC"


# --- Background imports: refused files go at once; reports in the user's language --


CSV = HEADER + "".join(f"{year},{year},,SYNTHETIC TEST DATA\n" for year in range(2030, 2040))


@pytest.mark.django_db
def test_a_refused_background_check_deletes_its_file_at_once_and_reports_in_english(seed, dpo_user, settings, tmp_path):
    from compliance.services import import_jobs

    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    bad = (HEADER + "not-a-year,1,,SYNTHETIC\n").encode()
    with translation.override("en"):  # the request the job was asked in
        job = import_jobs.do_request_import(dpo_user, "seoul_support", bad, "bad.csv", dry_run=True)
    assert job.language == "en"
    assert any(p.is_file() for p in (tmp_path / "pending").rglob("*"))
    with translation.override("ko"):  # the worker's own language does not matter
        job = import_jobs.run_import_job(job.pk, worker="test")
    assert job.state == "done" and not import_jobs.report_from_dict(job.report).ok
    assert not any(p.is_file() for p in (tmp_path / "pending").rglob("*"))  # gone at once, not in an hour
    text = str(job.report)
    assert "Row" in text or "row" in text
    assert not any(
        "\uac00" <= ch <= "\ud7a3" for ch in text if ch not in "".join(map(str, job.report.get("headers", [])))
    )


@pytest.mark.django_db
def test_a_failed_background_import_deletes_its_file(seed, dpo_user, settings, tmp_path):
    from compliance.services import import_jobs

    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    job = import_jobs.do_request_import(dpo_user, "seoul_support", b"\x00\x01 not a table", "x.csv", language="en")
    job = import_jobs.run_import_job(job.pk, worker="test")
    assert not any(p.is_file() for p in (tmp_path / "pending").rglob("*"))
    assert pending.folder() == tmp_path / "pending"


@pytest.mark.django_db
def test_a_passed_check_keeps_its_file_for_the_confirmation(seed, dpo_user, settings, tmp_path):
    from compliance.services import import_jobs

    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    job = import_jobs.do_request_import(dpo_user, "seoul_support", CSV.encode(), "ok.csv", language="en")
    job = import_jobs.run_import_job(job.pk, worker="test")
    assert import_jobs.report_from_dict(job.report).ok
    assert any(p.is_file() for p in (tmp_path / "pending").rglob("*"))

"""One hostile file never breaks a packet: files too heavy to stamp are attached with a
note, files with active content are quarantined (listed, never appended or embedded).

One packet holds every kind at once: a packet build is the slow part of this test."""

import datetime
import io

import pytest
from pypdf import PdfReader

from compliance.models import Document
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from tests import hostile_samples as hs
from tests.packet_pdfs import attach, synthetic_pdf

AS_OF = datetime.date(2024, 6, 1)

QUARANTINED = {
    "script.pdf": hs.pdf_javascript,
    "launch.pdf": hs.pdf_launch,
    "carrier.pdf": hs.pdf_embedded_file,
    "polyglot.pdf": hs.pdf_polyglot_zip,
    "macro.docx": hs.docm_renamed,
    "template.docx": hs.docx_remote_template,
}


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def packet(seed, settings):
    """The FY2024 plan packet with a clean PDF, an inflate bomb, an over-long PDF and every
    kind of active content, stored directly (as files stored before the upload checks)."""
    settings.WEGO_PACKET_MAX_APPENDED_PAGES = 2
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    attach(draft, synthetic_pdf("A"), "plan.pdf")
    attach(draft, hs.pdf_inflate_bomb(megabytes=300), "bomb.pdf")
    attach(draft, synthetic_pdf("L", pages=3), "long.pdf")
    for name, make in QUARANTINED.items():
        attach(draft, make(), name, content_type="application/octet-stream")
    return build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF, language="en"))


def entries(packet):
    return {e.file.original_name: e for e in packet.files}


def embedded_names(pdf):
    return set(PdfReader(io.BytesIO(pdf)).attachments)


def test_one_hostile_file_never_breaks_the_packet(packet):
    by_name = entries(packet)
    embedded = embedded_names(packet.pdf)
    assert by_name["plan.pdf"].disposition == "appended"
    assert packet.page_count == packet.generated_pages + 1  # only the clean PDF is merged

    # A PDF whose content inflates to hundreds of MB, or that is too long, is attached with a note.
    bomb, long = by_name["bomb.pdf"], by_name["long.pdf"]
    assert bomb.disposition == long.disposition == "attached"
    assert "32 MB" in bomb.note and "cannot be stamped and merged" in bomb.note
    assert "more than 2 pages" in long.note
    assert {bomb.attachment_name, long.attachment_name} <= embedded

    # Active content is quarantined: listed with what was found, never appended or embedded.
    for name in QUARANTINED:
        entry = by_name[name]
        assert entry.disposition == "quarantined", name
        assert entry.note.startswith("Quarantined:"), entry.note
        assert not any(name in e for e in embedded), name
    assert b"/JavaScript" not in packet.pdf and b"/Launch" not in packet.pdf
    listing = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(packet.pdf)).pages[: packet.generated_pages])
    assert listing.count("Quarantined") >= len(QUARANTINED)
    assert "JavaScript" in listing and "macros" in listing

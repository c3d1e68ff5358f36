"""A packet is laid out once: page numbers, the total and the contents' references to the
appended documents all come from one WeasyPrint layout; the appended pages' footers are
one small page each, stamped onto them."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from compliance.models import Document
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from tests.packet_pdfs import attach, synthetic_pdf

AS_OF = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def page_text(pdf, index):
    return re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[index].extract_text())


def test_one_layout_numbers_every_page_and_stamps_the_appended_ones(seed, monkeypatch):
    from weasyprint import HTML

    renders = []
    real_render = HTML.render
    monkeypatch.setattr(HTML, "render", lambda self, *a, **k: renders.append(real_render(self, *a, **k)) or renders[-1])
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    revision = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    attach(draft, synthetic_pdf("A", pages=2), "plan-draft.pdf")
    attach(revision, synthetic_pdf("B", pages=3), "plan-revision.pdf")
    renders.clear()  # the synthetic files above are WeasyPrint renders too

    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF))

    # One layout of the packet (no second pass for the page count), then the footers.
    assert len(renders) == 2
    layout, footers = renders
    # After the generated pages, a marker page per appended document.
    assert len(layout.pages) == packet.generated_pages + 2
    # The footers' pieces (the ten digits, " / " and a label per appended document): a
    # page with one where the footer goes, and a page of them all (never a page per
    # appended page).
    assert len(footers.pages) == 2
    total, first = packet.page_count, packet.generated_pages + 1
    assert total == packet.generated_pages + 5  # the marker pages are gone
    assert f"{total}" in page_text(packet.pdf, 0)  # the cover's page count
    contents = page_text(packet.pdf, 1)
    assert f"{first}–{first + 1}" in contents and f"{first + 2}–{first + 4}" in contents
    for offset, label in enumerate(["붙임 1"] * 2 + ["붙임 2"] * 3):
        stamped = page_text(packet.pdf, first - 1 + offset)
        assert f"{label} · {first + offset} / {total}" in stamped
        assert "SYNTHETIC TEST DOCUMENT" in stamped
    # The contents' links lead to the appended documents.
    reader = PdfReader(io.BytesIO(packet.pdf))
    dests = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    assert dests["att-1"] == first - 1 and dests["att-2"] == first + 1
    assert dests["packet-last-page"] == total - 1

"""A packet is laid out once: page numbers, the total, the contents' references to the
appended documents and their footers all come from one WeasyPrint layout."""

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
    monkeypatch.setattr(HTML, "render", lambda self, *a, **k: renders.append(1) or real_render(self, *a, **k))
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    revision = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    attach(draft, synthetic_pdf("A", pages=2), "plan-draft.pdf")
    attach(revision, synthetic_pdf("B", pages=3), "plan-revision.pdf")
    renders.clear()  # the synthetic files above are WeasyPrint renders too

    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF))

    assert len(renders) == 1  # no second pass for the page count, no render of the footers
    total, first = packet.page_count, packet.generated_pages + 1
    assert total == packet.generated_pages + 5  # the footer-only pages are gone
    assert f"{total}" in page_text(packet.pdf, 0)  # the cover's page count
    contents = page_text(packet.pdf, 1)
    assert f"{first}–{first + 1}" in contents and f"{first + 2}–{first + 4}" in contents
    for offset, label in enumerate(["붙임 1"] * 2 + ["붙임 2"] * 3):
        stamped = page_text(packet.pdf, first - 1 + offset)
        assert f"{label} · {first + offset} / {total}" in stamped
        assert "SYNTHETIC TEST DOCUMENT" in stamped

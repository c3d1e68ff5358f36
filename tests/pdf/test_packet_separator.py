"""A separator page comes before the appended documents (issue 24), and the table headers
of the packet break between words only."""

import datetime
import os
from pathlib import Path

import pytest

from compliance.models import Document
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from tests.packet_pdfs import attach, synthetic_pdf
from tests.pdf.test_packets_build import text_of

pytestmark = pytest.mark.django_db


def test_the_page_before_the_appended_documents_announces_them(seed, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    attach(draft, synthetic_pdf("SEPARATOR", pages=1), "plan-draft.pdf")
    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=datetime.date(2024, 6, 1)))
    if os.environ.get("WEGO_SHOTS_DIR"):
        (Path(os.environ["WEGO_SHOTS_DIR"]) / "packet-separator.pdf").write_bytes(packet.pdf)
    separator = text_of(packet.pdf, [packet.generated_pages - 1])
    assert "붙임 문서" in separator and "2024년 WeGO 주요사업계획(안)" in separator
    assert "SYNTHETIC TEST DOCUMENT SEPARATOR" in text_of(packet.pdf, [packet.generated_pages])


def test_packet_headers_do_not_break_inside_words():
    css = (Path(__file__).resolve().parents[2] / "templates/compliance/packets/packet.html").read_text()
    assert "th { word-break: keep-all;" in css

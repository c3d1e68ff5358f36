"""A packet's memory does not grow with the number or size of its documents.

Every appended PDF and embedded file stays on disk (`compliance.pdf.spill`): the memory
Python allocates while building a packet (tracemalloc: what it traces is exact, not the
noise of the process's resident size) is about the same with five large files as with
one, where holding them all would add their size.
"""

import datetime
import gc
import tracemalloc

from pypdf import PdfReader

from compliance.models import Document
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from compliance.pdf.spill import COLLECT_BYTES
from tests import hostile_samples as samples
from tests.packet_pdfs import attach, scanned_pdf

AS_OF = datetime.date(2024, 6, 1)
MB = 2**20
SIZE = 6 * MB  # each large file


def _docx(label, size):
    import io
    import os
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(samples.docx()), "r") as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(f"word/media/synthetic-{label}.png", os.urandom(size))
    return out.getvalue()


def _peak(req):
    tracemalloc.start()
    try:
        packet = build(req)
        # The collections that freed each file's reader froze what was alive (`spill.collect`):
        # nothing may stay frozen once the packet is built, or a worker would keep it for life.
        assert gc.get_freeze_count() == 0
        return packet, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_appended_and_embedded_files(seed, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.WEGO_PACKET_ORIGINALS_MAX_BYTES = 0  # no appended original embedded
    documents = list(Document.objects.filter(fiscal_year=2023, kind__in=["results", "settlement"]))
    req = PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF)
    attach(documents[0], scanned_pdf("P1", 4, SIZE // 4), "p1.pdf")
    attach(
        documents[0],
        _docx("D1", SIZE),
        "d1.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    one, peak_one = _peak(req)
    for n in range(2, 6):
        attach(documents[n % len(documents)], scanned_pdf(f"P{n}", 4, SIZE // 4), f"p{n}.pdf")
        attach(
            documents[n % len(documents)],
            _docx(f"D{n}", SIZE),
            f"d{n}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    five, peak_five = _peak(req)

    assert [e.disposition for e in five.files].count("appended") == 5
    assert [e.disposition for e in five.files].count("attached") == 5
    assert five.size > one.size + 8 * SIZE  # the eight more files are in it
    reader = PdfReader(five.path)
    assert len(reader.pages) == five.page_count
    assert sum(1 for name in reader.attachments if name.endswith(".docx")) == 5
    # Holding the eight more files would add 8 × 6 MB = 48 MB; streamed, the peak is the
    # file being read plus what the cycle collector has not freed yet (it runs once every
    # `spill.COLLECT_BYTES`, 16 MB, of files read), whatever their number: under half.
    assert COLLECT_BYTES + SIZE < 4 * SIZE < 8 * SIZE
    assert peak_five - peak_one < 4 * SIZE, (peak_one / MB, peak_five / MB)

"""Synthetic files of every kind the upload check accepts, at a given size, for benchmarks.

Each is made whole here (no real document), says "[synthetic benchmark data]" in its
text, and is passed through the real upload check (`validate_upload`) before it is
stored, so the benchmark only ever holds what the app would accept. The bulk of each
is incompressible noise, as scanned pages or photos would be.
"""

import io
import os
import zipfile

from _pdfs import LABEL, scanned_pdf


def _with_member(data: bytes, name: str, payload: bytes) -> bytes:
    """`data` (a ZIP) with one more member, stored as it is (media is not compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), payload)
    return out.getvalue()


def accepted_files(size: int, workdir) -> list[tuple[str, bytes]]:
    """(name, bytes) of an HWP, HWPX, DOCX, XLSX and a ZIP (of a PDF and a DOCX), each just
    under `size` bytes, each accepted by the upload check. The HWP is 6 MiB: the tests'
    compound-file writer has no DIFAT, so it cannot make a larger one (an HWP is embedded
    as the other kinds are, so its size changes nothing in how it is handled)."""
    from tests import hostile_samples as samples

    label = LABEL.encode()
    room = size - 2**20  # what the parts around the noise take (an HWP's sector tables), and a margin
    noise = os.urandom(room)
    pdf_path = workdir / "synthetic-in-zip.pdf"
    scanned_pdf(pdf_path, 20, room // 2 // 20)
    inner_pdf = pdf_path.read_bytes()
    pdf_path.unlink()
    body = b"<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % label
    return [
        ("synthetic.hwp", samples.hwp(extra={"BinData/BIN0001.png": noise[: 6 * 2**20]})),
        ("synthetic.hwpx", _with_member(samples.hwpx(), "BinData/image1.png", noise)),
        ("synthetic.docx", _with_member(samples.docx(body=body), "word/media/image1.png", noise)),
        ("synthetic.xlsx", _with_member(samples.xlsx({"data": [[LABEL]]}), "xl/media/image1.png", noise)),
        (
            "synthetic.zip",
            samples.zipped(
                [
                    ("synthetic.pdf", inner_pdf),
                    (
                        "synthetic.docx",
                        _with_member(samples.docx(body=body), "word/media/image1.png", noise[: room // 2 - 4096]),
                    ),
                ]
            ),
        ),
    ]

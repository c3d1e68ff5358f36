"""Synthetic PDFs for benchmarks, written directly (no layout engine): every page says
"[synthetic benchmark data]" and carries an incompressible image, so a file of a given
size is quick to make and costs a reader what a scanned document would."""

import os

LABEL = "[synthetic benchmark data]"


def scanned_pdf(path, pages, image_bytes):
    """Write a PDF of `pages` A4 pages, each with a random RGB image of about `image_bytes`."""
    side = max(int((image_bytes / 3) ** 0.5), 1)
    offsets, out = [], open(path, "wb")

    def obj(num, body, stream=None):
        offsets.append((num, out.tell()))
        out.write(f"{num} 0 obj\n".encode())
        out.write(body)
        if stream is not None:
            out.write(b"\nstream\n" + stream + b"\nendstream")
        out.write(b"\nendobj\n")

    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    font, first = 3, 4  # objects: 1 catalog, 2 pages, 3 font, then 3 per page
    kids = " ".join(f"{first + 3 * i} 0 R" for i in range(pages))
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    obj(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i in range(pages):
        page, content, image = first + 3 * i, first + 3 * i + 1, first + 3 * i + 2
        obj(
            page,
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents {content} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> /XObject << /Im1 {image} 0 R >> >> >>".encode(),
        )
        text = f"BT /F1 14 Tf 50 790 Td ({LABEL} page {i + 1} of {pages}) Tj ET q 495 0 0 640 50 120 cm /Im1 Do Q"
        obj(content, f"<< /Length {len(text)} >>".encode(), text.encode())
        pixels = os.urandom(side * side * 3)
        obj(
            image,
            f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceRGB "
            f"/BitsPerComponent 8 /Length {len(pixels)} >>".encode(),
            pixels,
        )
    xref = out.tell()
    count = first + 3 * pages
    out.write(f"xref\n0 {count}\n0000000000 65535 f \n".encode())
    for _num, offset in sorted(offsets):
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    out.close()

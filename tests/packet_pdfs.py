"""Small real files for packet tests: PDFs drawn by WeasyPrint, labelled as synthetic."""

import io

from compliance.models import DocumentFile
from compliance.storage import store_bytes


def synthetic_pdf(label, pages=1):
    """A real PDF of `pages` A4 pages; each page says which synthetic document and page it is."""
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><h1>SYNTHETIC TEST DOCUMENT {label}</h1>'
        f"<p>합성 시험 문서 {label} — page {i} of {pages}</p></section>"
        for i in range(1, pages + 1)
    )
    html = f'<html style="font-family: NanumGothic"><body>{body}</body></html>'
    return HTML(string=html).write_pdf()


def encrypted_pdf(label):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(synthetic_pdf(label))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a valid PDF body\n%%EOF\n"


def attach(document, data, name, content_type="application/pdf", user=None):
    sha256, size, _created = store_bytes(data)
    return DocumentFile.objects.create(
        document=document, original_name=name, sha256=sha256, size=size, content_type=content_type, uploaded_by=user
    )


def scanned_pdf(label, pages, image_bytes):
    """A PDF of `pages` A4 pages, each an incompressible image of about `image_bytes` under a
    line naming the synthetic document: what a scanned upload costs a reader."""
    import os

    side = max(int((image_bytes / 3) ** 0.5), 1)
    out, offsets = io.BytesIO(), []

    def obj(num, body, stream=None):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s" % (num, body))
        if stream is not None:
            out.write(b"\nstream\n" + stream + b"\nendstream")
        out.write(b"\nendobj\n")

    out.write(b"%PDF-1.7\n")
    kids = " ".join(f"{4 + 3 * i} 0 R" for i in range(pages)).encode()
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    obj(2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages))
    obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i in range(pages):
        page, content, image = 4 + 3 * i, 5 + 3 * i, 6 + 3 * i
        obj(
            page,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> >>" % (content, image),
        )
        text = f"BT /F1 14 Tf 50 790 Td (SYNTHETIC TEST DOCUMENT {label} page {i + 1}) Tj ET q 495 0 0 640 50 120 cm /Im1 Do Q"
        obj(content, b"<< /Length %d >>" % len(text), text.encode())
        pixels = os.urandom(side * side * 3)
        obj(
            image,
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Length %d >>" % (side, side, len(pixels)),
            pixels,
        )
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))
    return out.getvalue()

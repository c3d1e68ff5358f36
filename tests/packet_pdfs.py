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

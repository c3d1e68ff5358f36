"""What a file really is, and whether it is safe: content sniffing, never the extension alone.

Allowed: PDF, HWP (an OLE compound file whose FileHeader says "HWP Document File"),
HWPX (a ZIP whose first member `mimetype` says application/hwp+zip), DOCX, XLSX, and a
ZIP holding only those. Refused, each with its own message (and a `code`):

- ``empty``, ``too_large``, ``name`` (no name before the extension), ``mislabelled``
  (the name claims another type than the content), ``type`` (a type we do not take);
- ``corrupt``: truncated or damaged, checked down to the parts a reader needs (the PDF's
  objects and page contents, the HWP's compound file, its records and compressed
  streams, the XML parts of HWPX/DOCX/XLSX, every ZIP member's checksum);
- ``encrypted``: password-protected (PDF with RC4 or AES, HWP, Office, ZIP);
- ``active``: a PDF with JavaScript, launch actions, embedded files, rich media or XFA;
- ``macros``: an Office file with macros (VBA, Excel 4 macro sheets, ActiveX, DDE
  fields, packaged programs), whatever its extension says;
- ``external``: an Office file that loads an external or remote template or object;
- ``polyglot``: a file that is also another file (data after a PDF's end that forms a
  ZIP, a ZIP that is also a PDF);
- ``zip_names``: a ZIP (or a document that is one) whose member names hold path parts
  (``../``, ``..\\``, absolute paths, drive letters), links, or duplicates.

`sniff(data)` is pure (no database, no storage). The upload check
(`compliance.dataio.uploads.validate_upload`) calls it before anything is written, so a
refused file leaves nothing behind; the packet build (`compliance.pdf.inspect`) asks
again about every stored file, so a file stored before a check existed is never
embedded in a packet unflagged.
"""

from django.utils.translation import gettext as _

from .common import ACTIVE_CODES, OLE_MAGIC, describe_active, describe_unknown, not_accepted, reject, safe_filename
from .ole import sniff_ole
from .pdf import Limits, PdfFacts, inspect_pdf, sniff_pdf
from .zips import sniff_zip

__all__ = ["ACTIVE_CODES", "Limits", "PdfFacts", "describe_active", "inspect_pdf", "safe_filename", "sniff"]


def sniff(data: bytes, depth: int = 0) -> str:
    """The kind (a key of TYPES) of `data`, or ValidationError with a clear message and code."""
    if not data:
        reject(_("The file is empty."), "empty")
    head = data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if head.startswith(b"%PDF-"):
        return sniff_pdf(data)
    if data[:8] == OLE_MAGIC:
        return sniff_ole(data)
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return sniff_zip(data, depth)
    not_accepted(describe_unknown(data))

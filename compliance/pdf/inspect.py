"""Step 2 of a packet: read every stored file; PDFs that open are re-written so they can be
appended; encrypted or unreadable PDFs and other files are listed and attached, never fatal."""

from __future__ import annotations

import datetime
import hashlib
import io
import logging

from django.utils.translation import gettext as _

from .content import FileEntry, PacketContent

logger = logging.getLogger(__name__)


def inspect_files(content: PacketContent) -> list[FileEntry]:
    """Read every file in scope; decide what the packet does with it. Never raises on a bad file."""
    from pypdf import PdfReader, PdfWriter

    from ..storage import open_blob

    entries = []
    number = 0
    for document in content.documents:
        for f in sorted(document.files.all(), key=lambda f: (f.uploaded_at or datetime.datetime.min, f.pk)):
            number += 1
            entry = FileEntry(number=number, document=document, file=f)
            entries.append(entry)
            try:
                with open_blob(f.sha256) as fh:
                    raw = fh.read()
            except (OSError, ValueError):
                entry.disposition, entry.note = "missing", _("The stored file could not be read.")
                continue
            if hashlib.sha256(raw).hexdigest() != f.sha256:
                entry.disposition, entry.note = "corrupt", _("The stored file does not match its SHA-256.")
                continue
            entry.attachment_name = f"{number:02d}-{f.original_name}"
            looks_pdf = raw[:1024].lstrip().startswith(b"%PDF") or f.content_type == "application/pdf"
            if not looks_pdf:
                entry.disposition, entry.data = "attached", raw
                entry.note = _("Not a PDF: embedded in this packet as an attached file.")
                continue
            entry.data = raw  # attached as-is unless it can be appended
            try:
                reader = PdfReader(io.BytesIO(raw), strict=False)
                if reader.is_encrypted:
                    entry.disposition = "encrypted"
                    entry.note = _(
                        "Encrypted PDF: it cannot be appended; the original is embedded as an attached file."
                    )
                    continue
                writer = PdfWriter()
                writer.append(reader, import_outline=False)
                if len(writer.pages) == 0:
                    raise ValueError("no pages")
                clean = io.BytesIO()
                writer.write(clean)
                entry.data = clean.getvalue()
                entry.page_count = len(writer.pages)
                entry.disposition = "appended"
            except Exception as exc:  # noqa: BLE001 - any parser failure means "unreadable", never a crash
                logger.info("packet: unreadable PDF %s (%s): %s", f.original_name, f.sha256, exc)
                entry.disposition = "corrupt"
                entry.note = _("Damaged PDF: it cannot be read; the original is embedded as an attached file.")
    return entries

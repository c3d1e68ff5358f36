"""Step 4 of a packet: append each readable PDF with pypdf, bookmark it, stamp the running
footer, embed the other files and the manifest."""

from __future__ import annotations

import hashlib
import io
import logging

from django.utils.translation import gettext as _

from .content import A4_HEIGHT, A4_WIDTH, PacketContent
from .manifest import manifest_bytes

logger = logging.getLogger(__name__)


def merge(content: PacketContent, generated: bytes, generated_pages: int, manifest_data: dict, title, progress=None):
    from pypdf import PdfWriter, Transformation

    writer = PdfWriter(clone_from=io.BytesIO(generated))
    # After the generated pages come the footer-only pages of the appended ones, in order
    # (`render_generated`): each is stamped onto its page, then all of them are dropped.
    footers = len(writer.pages) - generated_pages
    parent = None
    appended = [e for e in content.files if e.is_appended]
    stamp_index = generated_pages
    for n, entry in enumerate(appended, 1):
        start = len(writer.pages)
        _append(writer, entry, start)
        if parent is None:
            parent = writer.add_outline_item(title=_("Attached documents"), page_number=start)
        writer.add_outline_item(
            title=f"{_('Attachment %(n)s') % {'n': entry.number}}. {entry.document.title} ({entry.file.original_name})",
            page_number=start,
            parent=parent,
        )
        for index in range(start, len(writer.pages)):
            page = writer.pages[index]
            stamp = writer.pages[stamp_index]
            stamp_index += 1
            # Rotated pages would put the footer on a side edge: leave them unstamped.
            if page.rotation % 360:
                continue
            box = page.mediabox
            scale = float(box.width) / A4_WIDTH
            page.merge_transformed_page(
                stamp, Transformation().scale(scale, scale).translate(float(box.left), float(box.bottom))
            )
        # Its pages now live in the writer: let the reader (and its parsed objects) go.
        entry.reader = None
        if progress:
            progress(75 + int(20 * n / len(appended)), _("Appending the documents"))
    for _footer in range(footers):
        del writer.pages[generated_pages]
    for entry in content.files:
        if (entry.disposition in ("attached", "encrypted", "corrupt") or entry.is_appended) and entry.data:
            writer.add_attachment(entry.attachment_name, entry.data)
    writer.add_attachment("manifest.json", manifest_bytes(manifest_data))
    writer.add_metadata(
        {
            "/Title": title,
            "/Subject": _("Article 17 council submission packet"),
            "/Keywords": f"manifest-sha256:{hashlib.sha256(manifest_bytes(manifest_data)).hexdigest()}",
            "/Creator": "WeGO Article 17 compliance tracker",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _append(writer, entry, start):
    """Append the pages of an inspected PDF from its reader. Should pypdf still fail on it
    (the inspection read every object, so this is not expected), the packet is still
    made: blank pages keep the numbering of the contents, and the original is embedded
    as an attached file."""
    try:
        writer.append(entry.reader, import_outline=False)
        if len(writer.pages) - start != entry.page_count:
            raise ValueError(f"{len(writer.pages) - start} pages appended, {entry.page_count} inspected")
    except Exception:  # noqa: BLE001 - one bad file must not break the packet
        logger.exception("packet: could not append %s (%s)", entry.file.original_name, entry.file.sha256)
        while len(writer.pages) > start:
            del writer.pages[start]
        for _page in range(entry.page_count):
            writer.insert_blank_page(A4_WIDTH, A4_HEIGHT, len(writer.pages))
        return
    entry.data = b""  # appended: not attached, and its bytes can go

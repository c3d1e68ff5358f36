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


def merge(
    content: PacketContent,
    generated: bytes,
    generated_pages: int,
    stamps: bytes,
    manifest_data: dict,
    title,
    progress=None,
):
    """The packet: the generated pages, then each appended PDF with its footers stamped.

    `stamps` holds one page per appended page, in order (`render_stamps`): each becomes a
    Form XObject drawn over its page by a content stream of a few bytes, so no page's
    content is parsed or rewritten and the footers' fonts are embedded once.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(generated))
    # The marker pages after the generated ones (`render_generated`) have done their job.
    del writer.pages[generated_pages:]
    links = {}
    forms = iter(_stamp_forms(writer, PdfReader(io.BytesIO(stamps))) if stamps else ())
    # The appended page's own content runs inside q … Q, so nothing it leaves in the
    # graphics state (a transformation, a clip) moves or hides the footer drawn after it.
    save = writer._add_object(_stream(b"q\n"))
    restore = writer._add_object(_stream(b"\nQ\n"))
    parent = None
    appended = [e for e in content.files if e.is_appended]
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
        links[f"att-{entry.number}-first"] = start
        links[f"att-{entry.number}-last"] = len(writer.pages) - 1
        for index in range(start, len(writer.pages)):
            _stamp(writer, writer.pages[index], next(forms), save, restore)
        # Its pages now live in the writer: let the reader (and its parsed objects) go.
        entry.reader = None
        if progress:
            progress(75 + int(20 * n / len(appended)), _("Appending the documents"))
    if links:
        links["packet-last-page"] = len(writer.pages) - 1
        _point_links(writer, links)
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


def _point_links(writer, pages):
    """Point the named destinations the layout gave the marker pages (the contents' links
    to each appended document, the cover's page count) to the pages they stand for."""
    from pypdf.generic import ArrayObject, NameObject

    names = writer.get_named_dest_root()
    for i in range(0, len(names) - 1, 2):
        page = pages.pop(str(names[i]), None)
        if page is not None:
            names[i + 1] = ArrayObject([writer.pages[page].indirect_reference, NameObject("/Fit")])
    for name, page in pages.items():
        writer.add_named_destination(name, page)


def _stream(data: bytes):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _stamp_forms(writer, reader):
    """Each page of `reader` as a Form XObject in `writer`: its content stream as it is
    (still compressed), its resources cloned once for all of them (the fonts are shared)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, EncodedStreamObject, FloatObject, NameObject

    forms = []
    for page in reader.pages:
        contents = page["/Contents"].get_object()
        if isinstance(contents, ArrayObject):  # not what WeasyPrint writes, but valid
            form = DecodedStreamObject()
            form.set_data(b"\n".join(part.get_object().get_data() for part in contents))
        else:
            form = EncodedStreamObject() if "/Filter" in contents else DecodedStreamObject()
            form._data = contents._data
            for key in ("/Filter", "/DecodeParms"):
                if key in contents:
                    form[NameObject(key)] = contents[key].clone(writer)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(FloatObject(float(v)) for v in page.mediabox)
        form[NameObject("/Resources")] = page.raw_get("/Resources").clone(writer)
        if "/Group" in page:
            form[NameObject("/Group")] = page.raw_get("/Group").clone(writer)
        forms.append(writer._add_object(form))
    return forms


def _stamp(writer, page, form, save, restore):
    """Draw the footer `form` over `page`, scaled to its width, without touching its content."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    # Rotated pages would put the footer on a side edge: leave them unstamped.
    if page.rotation % 360:
        return
    # The page's resources may be shared with other pages: give it its own copy (the
    # entries still point to the same fonts and images) with the footer added.
    resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
    xobjects = DictionaryObject(resources["/XObject"].get_object()) if "/XObject" in resources else DictionaryObject()
    name = "/WgoFooter"
    while name in xobjects:
        name += "0"
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    parts = []
    if "/Contents" in page:
        contents = page.raw_get("/Contents")
        target = contents.get_object()
        if isinstance(target, ArrayObject):
            parts = list(target)
        elif isinstance(contents, IndirectObject):
            parts = [contents]
        else:  # a stream held directly: not valid PDF, but keep it
            parts = [writer._add_object(target)]
    box = page.mediabox
    scale = float(box.width) / A4_WIDTH
    draw = f"q {scale:.6f} 0 0 {scale:.6f} {float(box.left):.4f} {float(box.bottom):.4f} cm {name} Do Q".encode()
    page[NameObject("/Contents")] = ArrayObject([save, *parts, restore, writer._add_object(_stream(draw))])


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

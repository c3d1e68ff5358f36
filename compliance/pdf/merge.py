"""Step 4 of a packet: append each readable PDF with pypdf, bookmark it, stamp the running
footer, embed the other files and the manifest."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from ..storage import blob_path, open_blob
from .content import A4_HEIGHT, A4_WIDTH, PacketContent, PacketError
from .manifest import manifest_bytes

logger = logging.getLogger(__name__)


def merge(
    content: PacketContent,
    generated: bytes,
    generated_pages: int,
    stamps,
    manifest_data: dict,
    title,
    progress=None,
    proof_files=None,
) -> tuple[Path, int]:
    """The packet, written to a temporary file: the generated pages, then each appended PDF
    with its footers stamped; returns (its path, its page count).

    Each footer is a Form XObject put together from the pieces of `stamps`
    (`render_stamps`) and drawn over its page by a content stream of a few bytes: no
    appended page's content is parsed or rewritten, the footers' font is embedded once,
    and a document's pages are stamped as it is appended, one document at a time.

    Memory does not grow with the documents (`pdf.spill`): each appended PDF is read from
    storage, and once its pages are in the writer their large streams go to a temporary
    file and the reader goes; embedded files are copied from storage as the packet is
    written, to a file, never a buffer.
    """
    from pypdf import PdfWriter

    from .spill import Spill

    writer = PdfWriter(clone_from=io.BytesIO(generated))
    # The marker pages after the generated ones (`render_generated`) have done their job.
    del writer.pages[generated_pages:]
    links = {}
    footers = Footers(writer, stamps) if stamps else None
    parent = None
    appended = [e for e in content.files if e.is_appended]
    spill = Spill()
    try:
        for n, entry in enumerate(appended, 1):
            start = len(writer.pages)
            _append(writer, entry, start, spill)
            if parent is None:
                parent = writer.add_outline_item(title=_("Attached documents"), page_number=start)
            writer.add_outline_item(
                title=f"{_('Attachment %(n)s') % {'n': entry.number}}. {entry.document.title} ({entry.file.original_name})",
                page_number=start,
                parent=parent,
            )
            links[f"att-{entry.number}"] = start
            for index in range(start, len(writer.pages)):
                footers.stamp(writer.pages[index], entry.number, index + 1)
            if progress:
                progress(75 + int(20 * n / len(appended)), _("Appending the documents"))
        if links:
            links["packet-last-page"] = len(writer.pages) - 1
            _point_links(writer, links)
        for entry in content.files:
            if entry.embedded or (entry.is_appended and entry.original_embedded):
                spill.embed(writer, entry.attachment_name, blob_path(entry.file.sha256), entry.size, entry.file.sha256)
        embed_record(writer, manifest_data, proof_files, title, _("Article 17 council submission packet"))
        spill.name_links(writer)
        fd, name = tempfile.mkstemp(prefix="wego-packet-", suffix=".pdf")
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                writer.write(out)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    finally:
        spill.close()
    return path, len(writer.pages)


def embed_record(writer, manifest_data: dict, proof_files, title, subject):
    """Embed manifest.json, the log's signed head, the proofs and the offline verifier
    (`compliance.pdf.proofs`), and name the manifest's SHA-256 in the metadata's Keywords,
    where the verifier reads it: a packet's and the annual report's record, alike."""
    data = manifest_bytes(manifest_data)
    writer.add_attachment("manifest.json", data)
    for name, blob in (proof_files or {}).items():
        writer.add_attachment(name, blob)
    writer.add_metadata(
        {
            "/Title": title,
            "/Subject": subject,
            "/Keywords": f"manifest-sha256:{hashlib.sha256(data).hexdigest()}",
            "/Creator": "WeGO Article 17 compliance tracker",
        }
    )


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


class Footers:
    """The appended pages' footers, put together from the pieces of a `StampSheet`.

    A footer is one text object: the glyphs WeasyPrint laid out for "title · Attachment n · ",
    for each digit of the page number, " / " and each digit of the total, one after the
    other, centred where packet.html's running footer is; so it reads (and is extracted)
    as that one line of text, in the packet's font, embedded once for all footers.
    """

    FORM, MARK = "/WgoFooter", "/WgoMark"

    def __init__(self, writer, sheet):
        from pypdf import PdfReader
        from pypdf.generic import ContentStream, DictionaryObject, NameObject

        self.writer, self.sheet = writer, sheet
        reader = PdfReader(io.BytesIO(sheet.pdf))
        fonts, xobjects = DictionaryObject(), DictionaryObject()
        self.glyphs = []  # each line's text operators (fonts and glyphs, no position)
        self.origin = None  # baseline of the footer and its colour, in the sheet's coordinates
        self.height = float(reader.pages[0].mediabox.height)
        for index, page in enumerate(reader.pages):
            if index == sheet.mark:
                xobjects[NameObject(self.MARK)] = _as_form(writer, page)
                continue
            resources = page["/Resources"]
            page_fonts = resources["/Font"] if "/Font" in resources else DictionaryObject()
            for name in page_fonts:
                if name not in fonts:  # the same fonts on every page of the sheet: cloned once
                    fonts[NameObject(name)] = page_fonts.raw_get(name).clone(writer)
            # Each run of text is placed by a Tm: runs at the same height are one line (a
            # fallback font, say), and a line is one piece; the font carries over.
            lines, colour, font = [], b"", None
            for operands, operator in ContentStream(page["/Contents"].get_object(), reader).operations:
                if operator == b"rg":
                    colour = b"%s rg" % b" ".join(_pdf(v) for v in operands)
                elif operator == b"Tm":
                    y = float(operands[5])
                    if not lines or lines[-1][0] != y:
                        lines.append((y, [font] if font else []))
                elif operator == b"Tf":
                    font = b" ".join(_pdf(v) for v in operands) + b" Tf"
                    if lines:
                        lines[-1][1].append(font)
                elif operator in (b"TJ", b"Tj") and lines:
                    lines[-1][1].append(b" ".join(_pdf(v) for v in operands) + b" " + operator)
            if index == 0:
                self.origin = (lines[0][0], colour)
            else:
                self.glyphs += [b" ".join(ops) for _y, ops in lines]
        if self.origin is None or len(self.glyphs) != len(sheet.widths):
            raise PacketError("The footers of the appended pages did not lay out.")
        resources = DictionaryObject({NameObject("/Font"): fonts})
        if xobjects:
            resources[NameObject("/XObject")] = xobjects
        self.resources = writer._add_object(resources)
        # The appended page's own content runs inside q … Q, so nothing it leaves in the
        # graphics state (a transformation, a clip) moves or hides the footer drawn after it.
        self.save = writer._add_object(_stream(b"q\n"))
        self.restore = writer._add_object(_stream(b"\nQ\n"))
        self.draws = {}  # footer's name on the page -> the stream drawing it

    def form(self, attachment: int, number: int, matrix):
        """The footer of page `number` of the packet, an appended page of `attachment`,
        placed on its page by `matrix`."""
        from pypdf.generic import ArrayObject, FloatObject, NameObject

        sheet = self.sheet
        digits = [sheet.digits[int(d)] for d in str(number)]
        pieces = [sheet.labels[attachment], *digits, sheet.slash, *(sheet.digits[int(d)] for d in str(sheet.total))]
        width = sum(sheet.widths[p] for p in pieces)
        y, colour = self.origin
        # CSS px, the sheet's y axis downwards: WeasyPrint's own page transformation.
        x = A4_WIDTH / 0.75 / 2 - width / 2
        text = b" ".join(self.glyphs[p] for p in pieces)
        mark = f"q {self.MARK} Do Q ".encode() if sheet.mark is not None else b""
        place = b"q 0.75 0 0 -0.75 0 %.6f cm %s BT 1 0 0 -1 %.4f %.4f Tm" % (self.height, colour, x, y)
        draw = mark + place + b" " + text + b" ET Q"
        form = _stream(draw)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in (0, 0, A4_WIDTH, self.height))
        form[NameObject("/Matrix")] = ArrayObject(FloatObject(round(v, 4)) for v in matrix)
        form[NameObject("/Resources")] = self.resources
        return self.writer._add_object(form)

    def stamp(self, page, attachment: int, number: int):
        """Draw the footer over `page`, scaled to its width, without touching its content."""
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

        # Rotated pages would put the footer on a side edge: leave them unstamped.
        if page.rotation % 360:
            return
        # The page's resources may be shared with other pages: give it its own copy (the
        # entries still point to the same fonts and images) with the footer added.
        resources = DictionaryObject(page["/Resources"]) if "/Resources" in page else DictionaryObject()
        xobjects = DictionaryObject(resources["/XObject"]) if "/XObject" in resources else DictionaryObject()
        name = self.FORM
        while name in xobjects:
            name += "0"
        box = page.mediabox
        scale = float(box.width) / A4_WIDTH
        matrix = (scale, 0, 0, scale, float(box.left), float(box.bottom))
        xobjects[NameObject(name)] = self.form(attachment, number, matrix)
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
                parts = [self.writer._add_object(target)]
        # The form places itself (its /Matrix): pages share the stream that draws it.
        if name not in self.draws:
            self.draws[name] = self.writer._add_object(_stream(f"q {name} Do Q".encode()))
        page[NameObject("/Contents")] = ArrayObject([self.save, *parts, self.restore, self.draws[name]])


def _pdf(value) -> bytes:
    out = io.BytesIO()
    value.write_to_stream(out)
    return out.getvalue()


def _as_form(writer, page):
    """A page of another PDF as a Form XObject in `writer`: its content as it is (still
    compressed), its resources cloned (once, however many forms share them)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, EncodedStreamObject, FloatObject, NameObject

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
    return writer._add_object(form)


def _append(writer, entry, start, spill):
    """Append the pages of an inspected PDF, read again from storage; then move its large
    streams to `spill` and let the reader go (the writer keeps each reader it copied from
    until told otherwise). Should pypdf fail on it (the inspection read every object, so
    this is not expected), the packet is still made: blank pages keep the numbering of
    the contents, and the original is embedded as an attached file."""
    from pypdf import PdfReader

    from .spill import collect

    first, links_from = len(writer._objects), len(writer._unresolved_links)
    reader, appended = None, False
    try:
        with open_blob(entry.file.sha256) as fh:
            reader = PdfReader(fh, strict=False)
            if reader.is_encrypted:  # opened with the empty password, as the inspection did
                reader.decrypt("")
            writer.append(reader, import_outline=False)
        if len(writer.pages) - start != entry.page_count:
            raise ValueError(f"{len(writer.pages) - start} pages appended, {entry.page_count} inspected")
        appended = True
    except Exception:  # noqa: BLE001 - one bad file must not break the packet
        logger.exception("packet: could not append %s (%s)", entry.file.original_name, entry.file.sha256)
        while len(writer.pages) > start:
            del writer.pages[start]
        for _page in range(entry.page_count):
            writer.insert_blank_page(A4_WIDTH, A4_HEIGHT, len(writer.pages))
        entry.embedded = True
    finally:
        spill.take(writer, first)
        if reader is not None:
            spill.let_go(writer, reader, first, links_from, appended)
        del reader
        collect(spill.read, entry.size)

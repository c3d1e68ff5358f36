"""Hostile and edge-case files, built in memory by the tests themselves.

Nothing here is copied from elsewhere: every file is made with pypdf, fpdf2, zipfile,
openpyxl or the small compound-file writer below, and labelled as synthetic. None of
them does anything when opened: the "JavaScript" is `app.alert`, the "macros" are
empty streams named as a macro project is, links point at `.invalid` hosts.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


# --- Compound files (OLE/CFB): HWP, old Office ---------------------------------------------


def cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file (CFB v3) holding `streams`; a path with "/" lives in storages.

    Streams under 4096 bytes live in the mini stream, as the format requires.
    """
    nodes = [{"name": "Root Entry", "kind": 5, "children": [], "data": b""}]
    index = {"": 0}
    for path, data in streams.items():
        parts = path.split("/")
        parent = ""
        for depth, part in enumerate(parts):
            key = "/".join(parts[: depth + 1])
            if key not in index:
                is_stream = depth == len(parts) - 1
                index[key] = len(nodes)
                nodes.append(
                    {"name": part, "kind": 2 if is_stream else 1, "children": [], "data": data if is_stream else b""}
                )
                nodes[index[parent]]["children"].append(index[key])
            parent = key
    mini, minifat, ministarts = bytearray(), [], {}
    for i, node in enumerate(nodes):
        data = node["data"]
        if node["kind"] != 2 or not data or len(data) >= 4096:
            continue
        count = -(-len(data) // 64)
        ministarts[i] = len(minifat)
        minifat += [len(minifat) + k + 1 for k in range(count - 1)] + [END]
        mini += data.ljust(count * 64, b"\0")
    nodes[0]["data"] = bytes(mini)
    body, fat, starts = bytearray(), [], {}
    for i, node in enumerate(nodes):
        if not node["data"] or i in ministarts:
            continue
        data = node["data"]
        count = -(-len(data) // SECTOR)
        starts[i] = len(fat)
        fat += [starts[i] + k + 1 for k in range(count - 1)] + [END]
        body += data.ljust(count * SECTOR, b"\0")
    siblings = {}
    for node in nodes:
        kids = node["children"]
        for a, b in zip(kids, kids[1:], strict=False):
            siblings[a] = b
    entries = []
    for i, node in enumerate(nodes):
        encoded = node["name"].encode("utf-16-le") + b"\0\0"
        raw = bytearray(128)
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), node["kind"], 1)
        child = node["children"][0] if node["children"] else NOSTREAM
        # Siblings hang off right pointers: a degenerate but valid tree.
        struct.pack_into("<III", raw, 68, NOSTREAM, siblings.get(i, NOSTREAM), child)
        struct.pack_into("<IQ", raw, 116, ministarts.get(i, starts.get(i, END)), len(node["data"]))
        entries.append(bytes(raw))
    while len(entries) % 4:
        blank = bytearray(128)
        struct.pack_into("<III", blank, 68, NOSTREAM, NOSTREAM, NOSTREAM)
        entries.append(bytes(blank))
    minifat_start, minifat_count = END, 0
    if minifat:
        packed = b"".join(struct.pack("<I", v) for v in minifat)
        minifat_count = -(-len(packed) // SECTOR)
        minifat_start = len(fat)
        fat += [minifat_start + k + 1 for k in range(minifat_count - 1)] + [END]
        body += packed.ljust(minifat_count * SECTOR, b"\xff")
    dir_start, dir_count = len(fat), len(entries) // 4
    fat += [dir_start + k + 1 for k in range(dir_count - 1)] + [END]
    body += b"".join(entries)
    fat_count = 1
    while len(fat) + fat_count > fat_count * 128:
        fat_count += 1
    fat_start = len(fat)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * 128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, fat_count)
    struct.pack_into("<I", header, 48, dir_start)
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<IIII", header, 60, minifat_start, minifat_count, END, 0)
    for k in range(109):
        struct.pack_into("<I", header, 76 + 4 * k, fat_start + k if k < fat_count else FREE)
    return bytes(header) + bytes(body) + b"".join(struct.pack("<I", v) for v in fat)


def hwp_record(tag: int, payload: bytes, level: int = 0) -> bytes:
    size = len(payload)
    if size >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, size) + payload
    return struct.pack("<I", tag | level << 10 | size << 20) + payload


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def hwp(password=False, docinfo=None, section=None, extra=None) -> bytes:
    """An HWP 5 document: FileHeader, DocInfo and BodyText/Section0, compressed as Hangul does."""
    header = bytearray(256)
    header[0:17] = b"HWP Document File"
    struct.pack_into("<I", header, 32, 0x05000300)  # version 5.0.3.0
    struct.pack_into("<I", header, 36, 0x1 | (0x2 if password else 0))  # compressed (+ password)
    streams = {
        "FileHeader": bytes(header),
        "DocInfo": raw_deflate(hwp_record(0x10, b"\x01\x00" * 13)) if docinfo is None else docinfo,
        "BodyText/Section0": (
            raw_deflate(hwp_record(0x42, b"\0" * 22) + hwp_record(0x43, "synthetic test HWP".encode("utf-16-le"), 1))
            if section is None
            else section
        ),
    }
    streams.update(extra or {})
    return cfb(streams)


def ole_with_macros(main_stream="WordDocument") -> bytes:
    """What Word 97–2003 writes for a document with a VBA project (no real code)."""
    return cfb(
        {
            main_stream: b"synthetic legacy document".ljust(4096, b"\0"),
            "Macros/VBA/dir": b"synthetic",
            "Macros/VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00",
            "Macros/VBA/ThisDocument": b"synthetic",
            "Macros/PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"',
        }
    )


def ole_package() -> bytes:
    """An embedded OLE 'Package' object, the wrapper Office uses to carry any file."""
    return cfb({"\x01Ole10Native": struct.pack("<I", 9) + b"synthetic"})


def encrypted_office() -> bytes:
    return cfb({"EncryptionInfo": b"\x04\x00\x04\x00synthetic", "EncryptedPackage": b"synthetic"})


# --- ZIP containers ----------------------------------------------------------------------------


def zipped(members, symlinks=()) -> bytes:
    """A ZIP of (name, bytes) pairs, names written exactly as given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.create_system = 3
                info.external_attr = 0o120777 << 16
            archive.writestr(info, data)
    return out.getvalue()


CT_DOCX = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="%s"/></Types>'
)
WORD_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOC_XML = (
    b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>synthetic test DOCX</w:t></w:r></w:p>%s</w:body></w:document>"
)
RELS = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
REL_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def relationship(kind: bytes, target: bytes, external=True) -> bytes:
    mode = b' TargetMode="External"' if external else b""
    return b'<Relationship Id="rId9" Type="%s%s" Target="%s"%s/>' % (REL_TYPE, kind, target, mode)


def docx(main=WORD_MAIN, body=b"", extra=(), document_rels=b"", settings_rels=b"") -> bytes:
    members = [
        ("[Content_Types].xml", CT_DOCX % main),
        ("_rels/.rels", RELS % relationship(b"officeDocument", b"word/document.xml", external=False)),
        ("word/document.xml", DOC_XML % body),
    ]
    if document_rels:
        members.append(("word/_rels/document.xml.rels", RELS % document_rels))
    if settings_rels:
        members.append(("word/settings.xml", b"<w:settings xmlns:w='urn:x'/>"))
        members.append(("word/_rels/settings.xml.rels", RELS % settings_rels))
    members += list(extra)
    return zipped(members)


def docm_renamed() -> bytes:
    """A macro-enabled Word document (.docm) that would be named .docx."""
    return docx(main=WORD_MACRO_MAIN, extra=[("word/vbaProject.bin", ole_with_macros("VBA_PROJECT_ROOT"))])


def docx_with_hidden_vba() -> bytes:
    """A plain content type, but a VBA project under another part name."""
    return docx(extra=[("word/media/image1.bin", ole_with_macros())])


def docx_remote_template() -> bytes:
    return docx(settings_rels=relationship(b"attachedTemplate", b"https://templates.invalid/t.dotm"))


def docx_remote_object() -> bytes:
    return docx(document_rels=relationship(b"oleObject", b"https://objects.invalid/o.bin"))


def docx_with_link() -> bytes:
    """An ordinary hyperlink: external, but not loaded on opening; accepted."""
    return docx(document_rels=relationship(b"hyperlink", b"https://www.example.invalid/"))


def docx_dde() -> bytes:
    field = b'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DDEAUTO c:\\\\x "y"</w:instrText></w:r></w:p>'
    return docx(body=field)


def docx_with_package() -> bytes:
    return docx(extra=[("word/embeddings/oleObject1.bin", ole_package())])


def xlsx(sheets=None, formula=None, cells=None) -> bytes:
    """A workbook: `sheets` {title: rows}; `formula` (cell, text) put on the first sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in (sheets or {"data": [["synthetic test XLSX"]]}).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if formula:
        book.worksheets[0][formula[0]] = formula[1]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsm_renamed() -> bytes:
    """A macro-enabled workbook (.xlsm) that would be named .xlsx."""
    data = xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            dst.writestr(info, body)
        dst.writestr("xl/vbaProject.bin", ole_with_macros("VBA_PROJECT_ROOT"))
    return out.getvalue()


def xlsx_with_macrosheet() -> bytes:
    """Excel 4.0 (XLM) macros live in a macro sheet part."""
    data = xlsx()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/macrosheets/sheet1.xml", b"<xm:macrosheet xmlns:xm='urn:x'/>")
    return out.getvalue()


def hwpx(extra=(), section=b"<hp:sec xmlns:hp='urn:x'><hp:p>synthetic test HWPX</hp:p></hp:sec>") -> bytes:
    return zipped(
        [
            ("mimetype", b"application/hwp+zip"),
            ("version.xml", b"<hv:HCFVersion xmlns:hv='urn:x'/>"),
            ("META-INF/container.xml", b"<ocf:container xmlns:ocf='urn:x'/>"),
            ("Contents/content.hpf", b"<opf:package xmlns:opf='urn:x'/>"),
            ("Contents/header.xml", b"<hh:head xmlns:hh='urn:x'/>"),
            ("Contents/section0.xml", section),
            *extra,
        ]
    )


def truncated(data: bytes, keep=0.6) -> bytes:
    return data[: int(len(data) * keep)]


def corrupt_member(data: bytes, name: str) -> bytes:
    """The ZIP with one member's compressed bytes flipped (its checksum no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    raw = bytearray(data)
    header = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", raw, header + 26)
    start = header + 30 + name_len + extra_len
    for k in range(min(info.compress_size, 8)):
        raw[start + k] ^= 0xFF
    return bytes(raw)


# --- PDF ---------------------------------------------------------------------------------------


def pdf(text="synthetic test PDF") -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text=text)
    return bytes(doc.output())


def pdf_with(build) -> bytes:
    """A one-page pypdf document, changed by `build(writer)` before it is written."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(writer, **entries):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject(
        {
            NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v)
            for k, v in (("/" + key, value) for key, value in entries.items())
        }
    )
    return writer._add_object(action)


def pdf_javascript() -> bytes:
    from pypdf.generic import NameObject

    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = _action(writer, S="/JavaScript", JS="app.alert('synthetic')")

    return pdf_with(build)


def pdf_launch() -> bytes:
    from pypdf.generic import NameObject

    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = _action(writer, S="/Launch", F="synthetic.exe")

    return pdf_with(build)


def pdf_page_action() -> bytes:
    """JavaScript on a page's open event (/AA), not on the document."""
    from pypdf.generic import DictionaryObject, NameObject

    def build(writer):
        writer.pages[0][NameObject("/AA")] = DictionaryObject(
            {NameObject("/O"): _action(writer, S="/JavaScript", JS="app.alert('synthetic')")}
        )

    return pdf_with(build)


def pdf_embedded_file() -> bytes:
    return pdf_with(lambda writer: writer.add_attachment("synthetic.txt", b"synthetic attachment"))


def raw_pdf(objects: list[bytes], trailer=b"") -> bytes:
    """A hand-written PDF with a classic xref table; object i is objects[i-1]."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


PAGE_TREE = [
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
]


def pdf_escaped_javascript() -> bytes:
    """/JavaScript spelled with #hh escapes, as obfuscators write it."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            *PAGE_TREE,
            b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",
        ]
    )


def pdf_xfa() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 4 0 R >> >>",
            *PAGE_TREE,
            b"<< /Length 0 >>\nstream\n\nendstream",
        ]
    )


def pdf_javascript_in_object_stream() -> bytes:
    """The JavaScript action compressed inside an object stream, found only by parsing."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    plain = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: PAGE_TREE[0],
        3: PAGE_TREE[1],
    }
    for number, body in plain.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    inner = b"<< /S /JavaScript /JS (app.alert('synthetic')) >>"
    head = b"4 0 "
    packed = zlib.compress(head + inner)
    offsets[5] = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        len(head),
        len(packed),
    )
    out += packed + b"\nendstream\nendobj\n"
    offsets[6] = len(out)
    rows = [b"\x00" + struct.pack(">IH", 0, 0xFFFF)]
    for number in range(1, 7):
        if number == 4:
            rows.append(b"\x02" + struct.pack(">IH", 5, 0))
        else:
            rows.append(b"\x01" + struct.pack(">IH", offsets[number], 0))
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def pdf_polyglot_zip() -> bytes:
    """A PDF with a ZIP appended after its end: it opens as both."""
    return pdf() + zipped([("synthetic.txt", b"synthetic")])


def pdf_polyglot_html() -> bytes:
    return pdf() + b"\n<html><script>alert('synthetic')</script></html>\n" + b" " * 2048


def pdf_inflate_bomb(megabytes=300) -> bytes:
    """A valid one-page PDF whose content stream inflates to `megabytes` MiB of blanks."""
    from pypdf.generic import NameObject, StreamObject

    packer = zlib.compressobj(9)
    chunk = b" " * 2**20
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()

    def build(writer):
        stream = StreamObject()
        stream._data = packed
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)

    return pdf_with(build)


def pdf_encrypted(algorithm="AES-256", user_password="secret") -> bytes:
    def build(writer):
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)

    return pdf_with(build)

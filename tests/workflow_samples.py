"""Small synthetic files of each accepted (and refused) type, built in memory for tests.

None of these is a real document: the content is labelled as test data.
"""

import io
import struct
import zipfile

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def pdf(text="synthetic test PDF", encrypt_with=None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    if encrypt_with:
        writer.encrypt(user_password=encrypt_with, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3) holding `streams`, each padded to 4096 bytes
    so that it lives in regular sectors (no mini stream needed)."""
    assert 1 <= len(streams) <= 3
    sector = 512
    bodies = [(name, data.ljust(4096, b"\0")) for name, data in streams.items()]
    first_data = 2  # sector 0 = FAT, sector 1 = directory
    fat = [FATSECT, END]
    starts = []
    for _name, body in bodies:
        count = len(body) // sector
        start = len(fat)
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [END]
    assert first_data == 2
    fat += [FREE] * (sector // 4 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 44, 1)  # FAT sectors
    struct.pack_into("<I", header, 48, 1)  # first directory sector
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<IIII", header, 60, END, 0, END, 0)
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0] = FAT in sector 0
    for i in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * i, FREE)

    def entry(name, kind, child=NOSTREAM, right=NOSTREAM, start=END, size=0):
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, NOSTREAM, right, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    # Root's child is the first stream; further streams hang off right siblings.
    entries = [entry("Root Entry", 5, child=1)]
    for i, ((name, body), start) in enumerate(zip(bodies, starts, strict=True)):
        right = i + 2 if i + 1 < len(bodies) else NOSTREAM
        entries.append(entry(name, 2, right=right, start=start, size=len(body)))
    while len(entries) < 4:
        entries.append(
            bytes(64) + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + bytes(48)
        )
    directory = b"".join(entries)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return bytes(header) + fat_bytes + directory + b"".join(body for _n, body in bodies)


def hwp(password=False) -> bytes:
    """A well-formed HWP 5 file (FileHeader, DocInfo, BodyText/Section0): uploads check its streams."""
    from tests.hostile_samples import hwp as well_formed_hwp

    return well_formed_hwp(password=password)


def encrypted_office() -> bytes:
    """What Word/Excel write for a password-protected DOCX/XLSX: an OLE container."""
    return ole({"EncryptionInfo": b"\x04\x00\x04\x00synthetic", "EncryptedPackage": b"synthetic"})


def legacy_doc() -> bytes:
    return ole({"WordDocument": b"synthetic legacy Word document"})


def _zip(members, flag_encrypted=False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, *stored in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    raw = bytearray(out.getvalue())
    if flag_encrypted:
        # zipfile cannot encrypt; set the "encrypted" flag as an encrypting tool would.
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = raw.find(signature)
            while at != -1:
                raw[at + offset] |= 0x1
                at = raw.find(signature, at + 4)
    return bytes(raw)


def hwpx() -> bytes:
    return _zip(
        [
            ("mimetype", b"application/hwp+zip", True),
            ("META-INF/container.xml", b"<container/>"),
            ("Contents/section0.xml", b"<p>synthetic test HWPX</p>"),
        ]
    )


def docx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            ("word/document.xml", b"<w:document>synthetic test DOCX</w:document>"),
        ]
    )


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "synthetic test XLSX"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_of(members) -> bytes:
    return _zip(members)


def encrypted_zip() -> bytes:
    return _zip([("plan.pdf", pdf())], flag_encrypted=True)


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\0" * 200
    + b"This program cannot be run in DOS mode."
)

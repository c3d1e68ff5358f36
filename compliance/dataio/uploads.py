"""What a submitted file really is: content sniffing, never the extension alone.

Allowed: PDF, HWP (an OLE compound file whose FileHeader says "HWP Document File"),
HWPX (a ZIP whose first member `mimetype` says application/hwp+zip), DOCX, XLSX, and a
ZIP holding only those. Refused, each with its own message: empty, too large, corrupt,
password-protected, a type we do not take (an executable named .pdf, say), and a file
whose name claims another type than its content (mislabelled).

`validate_upload(name, data)` is pure (no database, no storage): the form calls it
before anything is written, so a refused file leaves nothing behind.
"""

import io
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HWP_SIGNATURE = b"HWP Document File"
HWPX_MIMETYPE = b"application/hwp+zip"

TYPES = {
    "pdf": ("application/pdf", (".pdf",), "PDF"),
    "hwp": ("application/x-hwp", (".hwp",), "HWP"),
    "hwpx": ("application/hwp+zip", (".hwpx",), "HWPX"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "DOCX"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "XLSX"),
    "zip": ("application/zip", (".zip",), "ZIP"),
}


@dataclass(frozen=True)
class CheckedFile:
    name: str  # safe for display and for Content-Disposition
    kind: str  # a key of TYPES
    content_type: str
    data: bytes


def safe_filename(name: str, max_length: int = 200) -> str:
    """The last path component, without control/format characters or leading dots.

    `../../etc/passwd` becomes `passwd`, `C:\\x\\a.pdf` becomes `a.pdf`, a right-to-left
    override (U+202E) that disguises `exe` as `pdf` is dropped. Blobs are stored under
    their hash, so the name is only ever displayed and offered on download.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = name.strip().lstrip(".").strip()
    if not name:
        name = "file"
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:max_length]
    return name


def _reject(message, code):
    raise ValidationError(message, code=code)


def _describe_unknown(data: bytes) -> str:
    if data[:2] == b"MZ":
        return _("a Windows program")
    if data[:4] == b"\x7fELF":
        return _("a Linux program")
    if data[:2] == b"#!":
        return _("a script")
    if data[:8] == OLE_MAGIC:
        return _("an older Office document (DOC/XLS/PPT)")
    guess = filetype.guess(data[:8192])
    if guess:
        return guess.mime
    return _("an unknown format")


def _sniff_pdf(data):
    from pypdf import PdfReader

    if b"%%EOF" not in data[-2048:]:
        _reject(_("The PDF is incomplete or corrupt (no end-of-file marker)."), "corrupt")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # An owner password alone (print/copy limits) opens with an empty user password.
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure to open means we cannot read it
                opened = 0
            if not opened:
                _reject(_("The PDF is password-protected. Please submit it without a password."), "encrypted")
        if len(reader.pages) < 1:
            _reject(_("The PDF has no pages."), "corrupt")
        reader.pages[0]
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many types for broken files
        _reject(_("The PDF is corrupt and cannot be read."), "corrupt")
    return "pdf"


def _sniff_ole(data):
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        _reject(_("The file is corrupt and cannot be read."), "corrupt")
    with ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            _reject(_("The document is password-protected. Please submit it without a password."), "encrypted")
        if not ole.exists("FileHeader"):
            _reject(
                _("This file type is not accepted (%(what)s). Accepted: PDF, HWP, HWPX, DOCX, XLSX or a ZIP of these.")
                % {"what": _describe_unknown(data)},
                "type",
            )
        try:
            header = ole.openstream("FileHeader").read(256)
        except Exception:  # noqa: BLE001
            _reject(_("The HWP file is corrupt and cannot be read."), "corrupt")
    if not header.startswith(HWP_SIGNATURE) or len(header) < 40:
        _reject(_("The HWP file is corrupt and cannot be read."), "corrupt")
    (properties,) = struct.unpack_from("<I", header, 36)
    # HWP 5.0 FileHeader properties: bit 1 = the document has a password (암호 설정 여부).
    if properties & 0x2:
        _reject(_("The HWP document is password-protected. Please submit it without a password."), "encrypted")
    return "hwp"


def _sniff_zip(data, depth):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:  # noqa: BLE001
        _reject(_("The file is corrupt and cannot be read."), "corrupt")
    with archive:
        if not infos:
            _reject(_("The ZIP file is empty."), "empty")
        if len(infos) > settings.WEGO_MAX_ZIP_MEMBERS:
            _reject(_("The ZIP file holds too many files."), "zip_limits")
        if sum(i.file_size for i in infos) > settings.WEGO_MAX_ZIP_EXPANDED_BYTES:
            _reject(_("The ZIP file expands to more than the allowed size."), "zip_limits")
        if any(i.flag_bits & 0x1 for i in infos):
            _reject(_("The file is password-protected. Please submit it without a password."), "encrypted")
        try:
            bad = archive.testzip()
        except Exception:  # noqa: BLE001
            bad = "?"
        if bad is not None:
            _reject(_("The file is corrupt and cannot be read."), "corrupt")
        names = set(archive.namelist())
        if "mimetype" in names and archive.read("mimetype").strip() == HWPX_MIMETYPE:
            return "hwpx"
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
        if depth > 0:
            _reject(_("A ZIP file may not contain another ZIP file."), "type")
        for info in infos:
            if info.is_dir():
                continue
            try:
                kind = sniff(archive.read(info), depth=depth + 1)
            except ValidationError as error:
                _reject(
                    _("In the ZIP file, “%(name)s”: %(error)s")
                    % {"name": safe_filename(info.filename), "error": " ".join(error.messages)},
                    error.code,
                )
            if kind == "zip":
                _reject(_("A ZIP file may not contain another ZIP file."), "type")
        return "zip"


def sniff(data: bytes, depth: int = 0) -> str:
    """The kind (a key of TYPES) of `data`, or ValidationError with a clear message."""
    if not data:
        _reject(_("The file is empty."), "empty")
    head = data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ")
    if head.startswith(b"%PDF-"):
        return _sniff_pdf(data)
    if data[:8] == OLE_MAGIC:
        return _sniff_ole(data)
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _sniff_zip(data, depth)
    _reject(
        _("This file type is not accepted (%(what)s). Accepted: PDF, HWP, HWPX, DOCX, XLSX or a ZIP of these.")
        % {"what": _describe_unknown(data)},
        "type",
    )


def check_size(name: str, size: int) -> None:
    """Refuse a file over WEGO_MAX_UPLOAD_BYTES (call before reading it into memory)."""
    limit = settings.WEGO_MAX_UPLOAD_BYTES
    if size > limit:
        _reject(
            _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
            % {"name": safe_filename(name), "size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_large",
        )


def validate_upload(name: str, data: bytes) -> CheckedFile:
    """Check one uploaded file; ValidationError (with a code) if it is refused."""
    check_size(name, len(data))
    clean_name = safe_filename(name)
    try:
        kind = sniff(data)
    except ValidationError as error:
        raise ValidationError(f"“{clean_name}”: {' '.join(error.messages)}", code=error.code) from None
    content_type, extensions, label = TYPES[kind]
    extension = "." + clean_name.rpartition(".")[2].lower() if "." in clean_name else ""
    if extension not in extensions:
        _reject(
            _("“%(name)s” is mislabelled: its content is %(label)s, so its name must end in %(ext)s.")
            % {"name": clean_name, "label": label, "ext": " / ".join(extensions)},
            "mislabelled",
        )
    return CheckedFile(name=clean_name, kind=kind, content_type=content_type, data=data)

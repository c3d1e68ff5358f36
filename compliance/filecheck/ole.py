"""OLE compound files: HWP 5 (its compound file, records and compressed streams), and what
Office wrote before 2007 (refused; with macros, refused as such)."""

import io
import re
import struct
import zlib

import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .common import HWP_SIGNATURE, corrupt, describe_unknown, macros, not_accepted, olevba_finds_macros, reject

MACRO_STORAGES = {"vba", "_vba_project_cur", "macros", "_vba_project", "vbaproject"}


def _ole_has_macros(ole) -> bool:
    for path in ole.listdir(streams=True, storages=True):
        if any(part.lower() in MACRO_STORAGES for part in path):
            return True
    return False


def _ole_has_package(ole) -> bool:
    """An OLE object that packages a file or program (what 'Insert object' does)."""
    return any(path[-1] in ("\x01Ole10Native", "Ole10Native") for path in ole.listdir(streams=True))


def _hwp_records(data: bytes) -> bool:
    """Whether `data` is a well-formed chain of HWP 5 records, ending exactly at its end."""
    pos, end = 0, len(data)
    while pos < end:
        if pos + 4 > end:
            return False
        (header,) = struct.unpack_from("<I", data, pos)
        tag, size = header & 0x3FF, header >> 20
        pos += 4
        if size == 0xFFF:
            if pos + 4 > end:
                return False
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        # HWPTAG_BEGIN is 0x10: lower tag numbers are not records.
        if tag < 0x10 or pos + size > end:
            return False
        pos += size
    return True


def _inflate_raw(data: bytes, cap: int) -> bytes | None:
    """A raw-deflate HWP stream inflated, or None when it is damaged, truncated or over `cap`."""
    d = zlib.decompressobj(-15)
    out = bytearray()
    try:
        chunk = d.decompress(data, cap + 1)
    except zlib.error:
        return None
    out += chunk
    if len(out) > cap or not d.eof:
        return None
    return bytes(out)


def sniff_ole(data):
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        corrupt()
    with ole:
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            reject(_("The document is password-protected. Please submit it without a password."), "encrypted")
        if _ole_has_macros(ole) or _ole_has_package(ole):
            macros()
        if not ole.exists("FileHeader") and olevba_finds_macros(data):
            macros()
        if not ole.exists("FileHeader"):
            not_accepted(describe_unknown(data))
        try:
            header = ole.openstream("FileHeader").read(256)
        except Exception:  # noqa: BLE001
            corrupt("HWP")
        if not header.startswith(HWP_SIGNATURE) or len(header) < 40:
            corrupt("HWP")
        (properties,) = struct.unpack_from("<I", header, 36)
        # HWP 5.0 FileHeader properties: bit 0 = compressed, bit 1 = password (암호 설정 여부),
        # bit 2 = distribution document (배포용 문서: its ViewText is encrypted by design).
        if properties & 0x2:
            reject(_("The HWP document is password-protected. Please submit it without a password."), "encrypted")
        compressed, distribution = properties & 0x1, properties & 0x4
        paths = ["/".join(p) for p in ole.listdir(streams=True, storages=False)]
        sections = [p for p in paths if re.fullmatch(r"(BodyText|ViewText)/Section\d+", p)]
        if "DocInfo" not in paths or not sections:
            corrupt("HWP")
        cap = settings.WEGO_MAX_ZIP_EXPANDED_BYTES
        total = 0
        try:
            for path in paths:
                stream = ole.openstream(path).read()
                total += len(stream)
                if total > cap:
                    reject(_("The file expands to more than the allowed size."), "zip_limits")
                if path == "DocInfo" or (path in sections and path.startswith("BodyText/")):
                    body = _inflate_raw(stream, cap) if compressed else stream
                    if body is None or not _hwp_records(body):
                        corrupt("HWP")
                elif path in sections and not distribution and compressed:
                    if _inflate_raw(stream, cap) is None:
                        corrupt("HWP")
        except ValidationError:
            raise
        except Exception:  # noqa: BLE001 - olefile raises on sectors past the end of a cut file
            corrupt("HWP")
    return "hwp"

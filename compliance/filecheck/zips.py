"""ZIP containers: ZIP, HWPX, DOCX, XLSX. Member names, checksums, XML parts, macros and
external references."""

import io
import re
import unicodedata
import zipfile
import zlib
from xml.parsers import expat

import olefile
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .common import (
    HWPX_MIMETYPE,
    OLE_MAGIC,
    corrupt,
    macros,
    not_accepted,
    olevba_finds_macros,
    polyglot,
    reject,
    safe_filename,
)
from .ole import _ole_has_macros, _ole_has_package

_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_member(info, seen) -> bool:
    name = info.filename
    if "\\" in name or name.startswith("/") or _DRIVE.match(name) or "\x00" in name:
        return True
    if any(part == ".." for part in name.split("/")):
        return True
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return True
    # A symbolic link written by a Unix zip: S_IFLNK in the high bits of the attributes.
    if info.create_system == 3 and (info.external_attr >> 16) & 0o170000 == 0o120000:
        return True
    key = unicodedata.normalize("NFC", name).rstrip("/").casefold()
    if key in seen:
        return True
    seen.add(key)
    return False


def _check_member_names(infos):
    seen, bad = set(), []
    for info in infos:
        if _unsafe_member(info, seen):
            bad.append(info.filename)
    if bad:
        shown = ", ".join(repr(n) for n in bad[:3]) + (" …" if len(bad) > 3 else "")
        reject(
            _(
                "The archive holds entries with unsafe names (%(names)s): paths that climb out (../ or ..\\), "
                "absolute paths, drive letters, links and duplicate names are not accepted."
            )
            % {"names": shown},
            "zip_names",
        )


class _DoctypeFound(Exception):
    pass


def _xml_well_formed(archive, name) -> bool:
    """Whether a member is well-formed XML without a DTD, read in chunks (constant memory)."""
    parser = expat.ParserCreate()

    def refuse_doctype(*args):
        raise _DoctypeFound

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    try:
        with archive.open(name) as fh:
            while chunk := fh.read(2**20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, _DoctypeFound, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return False
    return True


_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.I)
_ATTR = re.compile(rb'(\w+)\s*=\s*"([^"]*)"')
_DDE = re.compile(rb"(?:instrText[^>]*>|instr=\")\s*DDE(?:AUTO)?\b", re.I)

MACRO_CONTENT_TYPES = (
    b"macroenabled",
    b"vbaproject",
    b"vbadata",
    b"activex",
    b"macrosheet",
    b"ms-office.vbaproject",
)


def _ooxml_main(names, content_types: bytes):
    """'docx', 'xlsx', 'macros' (a macro-enabled main part) or None."""
    lowered = content_types.lower()
    if b"macroenabled.main+xml" in lowered:
        return "macros"
    if "word/document.xml" in names or b"wordprocessingml.document.main+xml" in lowered:
        return "docx"
    if "xl/workbook.xml" in names or b"spreadsheetml.sheet.main+xml" in lowered:
        return "xlsx"
    return None


def _check_ooxml(archive, names, label):
    """Macros, external templates or objects, DDE fields, damaged XML parts."""
    if not _xml_well_formed(archive, "[Content_Types].xml"):
        corrupt(label)
    content_types = archive.read("[Content_Types].xml")
    lowered = content_types.lower()
    if any(marker in lowered for marker in MACRO_CONTENT_TYPES):
        macros()
    for name in names:
        lower = name.lower()
        if (
            lower.endswith("vbaproject.bin")
            or lower.endswith("vbadata.xml")
            or lower.startswith(("xl/macrosheets/", "xl/dialogsheets/", "word/activex/", "xl/activex/"))
        ):
            macros()
    external = False
    for name in names:
        info = archive.getinfo(name)
        if info.is_dir():
            continue
        lower = name.lower()
        if lower.endswith(".xml") or lower.endswith(".rels"):
            if not _xml_well_formed(archive, name):
                corrupt(label)
        if lower.startswith("xl/externallinks/"):
            external = True
        if lower.endswith(".rels") and _external_relationship(archive.read(name)):
            external = True
        if lower.startswith("word/") and lower.endswith(".xml") and _DDE.search(archive.read(name)):
            macros()
        if info.file_size >= 8:
            with archive.open(name) as fh:
                head = fh.read(8)
            if head == OLE_MAGIC:
                try:
                    with olefile.OleFileIO(io.BytesIO(archive.read(name))) as ole:
                        if _ole_has_macros(ole) or _ole_has_package(ole):
                            macros()
                except ValidationError:
                    raise
                except Exception:  # noqa: BLE001 - a damaged embedded object
                    corrupt(label)
    if external:
        _refuse_external()


def _refuse_external():
    reject(
        _(
            "The document loads an external or remote template, link or object when it is opened, "
            "which is not accepted. Save a copy without external links and submit that."
        ),
        "external",
    )


def _external_relationship(rels: bytes) -> bool:
    """A relationship (OOXML or HWPX .rels) that makes the reader fetch something from
    elsewhere on opening: any external target but a plain hyperlink, or a template."""
    for rel in _RELATIONSHIP.findall(rels):
        attrs = {k.lower(): v for k, v in _ATTR.findall(rel)}
        kind = attrs.get(b"type", b"").rsplit(b"/", 1)[-1].lower()
        if kind == b"attachedtemplate":
            return True
        if attrs.get(b"targetmode", b"").lower() == b"external" and kind != b"hyperlink":
            return True
    return False


# An attribute that points a part of the document (an image, a manifest item, an
# embedded object) at another place: a URL with a scheme, a network path or a file.
_REMOTE_REFERENCE = re.compile(
    rb"""\b(?:\w+:)?(?:href|src|target|binaryitemidref|path)\s*=\s*["']\s*"""
    rb"""(?:[a-z][a-z0-9+.-]*:|//|\\\\)""",
    re.I,
)
# A Windows drive letter ("C:") is a scheme-like prefix too; data: URIs hold the content
# itself and load nothing.
_DATA_URI = re.compile(rb"""\b(?:\w+:)?(?:href|src)\s*=\s*["']\s*data:""", re.I)


def _check_hwpx(archive, names):
    """Damaged parts, and, as for DOCX and XLSX, anything loaded from elsewhere on opening:
    an external relationship, or a manifest item, image or object whose address is a
    URL, a network path or a local file (HWPX hyperlinks are field text, not addresses
    of parts, and stay accepted)."""
    sections = [n for n in names if re.fullmatch(r"Contents/section\d+\.xml", n, re.I)]
    if not sections:
        corrupt("HWPX")
    for name in names:
        lower = name.lower()
        if lower.endswith((".xml", ".hpf", ".rdf", ".rels")) and not _xml_well_formed(archive, name):
            corrupt("HWPX")
        if lower.endswith(".rels") and _external_relationship(archive.read(name)):
            _refuse_external()
        if lower.endswith((".xml", ".hpf", ".rdf")):
            body = archive.read(name)
            if len(_REMOTE_REFERENCE.findall(body)) > len(_DATA_URI.findall(body)):
                _refuse_external()


def sniff_zip(data, depth):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:  # noqa: BLE001
        corrupt()
    with archive:
        if not infos:
            reject(_("The ZIP file is empty."), "empty")
        _check_member_names(infos)
        if len(infos) > settings.WEGO_MAX_ZIP_MEMBERS:
            reject(_("The ZIP file holds too many files."), "zip_limits")
        if sum(i.file_size for i in infos) > settings.WEGO_MAX_ZIP_EXPANDED_BYTES:
            reject(_("The ZIP file expands to more than the allowed size."), "zip_limits")
        if any(i.flag_bits & 0x1 for i in infos):
            reject(_("The file is password-protected. Please submit it without a password."), "encrypted")
        try:
            bad = archive.testzip()
        except Exception:  # noqa: BLE001
            bad = "?"
        if bad is not None:
            corrupt()
        # A PDF reader opens a file whose header sits in its first kilobyte: such a ZIP
        # is also a PDF.
        if b"%PDF-" in data[:1024]:
            polyglot("PDF")
        names = [i.filename for i in infos]
        if "mimetype" in names and archive.read("mimetype").strip() == HWPX_MIMETYPE:
            _check_hwpx(archive, names)
            return "hwpx"
        if "[Content_Types].xml" in names:
            main = _ooxml_main(names, archive.read("[Content_Types].xml"))
            if main == "macros":
                macros()
            label = {"docx": "DOCX", "xlsx": "XLSX"}.get(main, _("Office"))
            _check_ooxml(archive, names, label)
            if olevba_finds_macros(data):
                macros()
            if main is None:
                not_accepted(_("an Office document other than DOCX or XLSX"))
            return main
        if depth > 0:
            reject(_("A ZIP file may not contain another ZIP file."), "type")
        for info in infos:
            if info.is_dir():
                continue
            try:
                from . import sniff  # the package's dispatcher: members may be of any accepted type

                kind = sniff(archive.read(info), depth=depth + 1)
            except ValidationError as error:
                reject(
                    _("In the ZIP file, “%(name)s”: %(error)s")
                    % {"name": safe_filename(info.filename), "error": " ".join(error.messages)},
                    error.code,
                )
            if kind == "zip":
                reject(_("A ZIP file may not contain another ZIP file."), "type")
        return "zip"

"""What the file checks share: refusals with a code, the labels of active content, names."""

import unicodedata

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HWP_SIGNATURE = b"HWP Document File"
HWPX_MIMETYPE = b"application/hwp+zip"

# Codes of refusals that are about what a file does, not whether it can be read: the
# packet build withholds a stored file that earns one of these.
ACTIVE_CODES = ("active", "macros", "external", "polyglot", "zip_names")


def safe_filename(name: str, max_length: int = 200) -> str:
    """The last path component, without control/format characters or leading dots.

    `../../etc/passwd` becomes `passwd`, `C:\\x\\a.pdf` becomes `a.pdf`, `plan.pdf. `
    becomes `plan.pdf`, a right-to-left
    override (U+202E) that disguises `exe` as `pdf` is dropped. Blobs are stored under
    their hash, so the name is only ever displayed and offered on download.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    # Trailing dots and spaces go as Windows drops them on saving: `plan.pdf. ` is
    # `plan.pdf`, not a file whose extension is "" (refused as mislabelled, confusingly).
    name = name.strip().lstrip(".").rstrip(". ").strip()
    if not name:
        name = "file"
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:max_length]
    return name


def reject(message, code):
    raise ValidationError(message, code=code)


def not_accepted(what):
    reject(
        _("This file type is not accepted (%(what)s). Accepted: PDF, HWP, HWPX, DOCX, XLSX or a ZIP of these.")
        % {"what": what},
        "type",
    )


def corrupt(label=None):
    if label:
        reject(_("The %(type)s file is corrupt or incomplete and cannot be read.") % {"type": label}, "corrupt")
    reject(_("The file is corrupt or incomplete and cannot be read."), "corrupt")


def describe_unknown(data: bytes) -> str:
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


ACTIVE_LABELS = {
    "javascript": lambda: _("JavaScript"),
    "launch": lambda: _("an action that launches a program or file"),
    "embedded_file": lambda: _("embedded files"),
    "rich_media": lambda: _("rich media (Flash or 3D)"),
    "xfa": lambda: _("an XFA form with scripts"),
}


def describe_active(codes) -> str:
    return ", ".join(str(ACTIVE_LABELS[c]()) for c in codes if c in ACTIVE_LABELS)


def polyglot(what):
    reject(
        _(
            "The file is also another file (%(what)s hidden after or around its content). "
            "Save or print the document again to a new file and submit that."
        )
        % {"what": what},
        "polyglot",
    )


def olevba_finds_macros(data: bytes) -> bool:
    """oletools' opinion (VBA in OLE files, OpenXML parts, Word 2003 XML, MHT)."""
    try:
        from oletools.olevba import VBA_Parser

        parser = VBA_Parser("upload", data=data)
        try:
            return bool(parser.detect_vba_macros())
        finally:
            parser.close()
    except Exception:  # noqa: BLE001 - not a container oletools knows: our own checks decide
        return False


def macros():
    reject(
        _(
            "The document contains macros or other code that runs when it is opened, which is not "
            "accepted whatever the file is named. Save it as a plain document (DOCX, XLSX, HWP or PDF) "
            "and submit that."
        ),
        "macros",
    )

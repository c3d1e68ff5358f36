"""Checking one uploaded file: its size, its name and (`compliance.filecheck.sniff`) its content.

`validate_upload(name, data)` is pure (no database, no storage): the form calls it
before anything is written, so a refused file leaves nothing behind. Each refusal is a
ValidationError with a code; `compliance.filecheck` lists them.
"""

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..filecheck import reject, safe_filename, sniff

__all__ = ["TYPES", "CheckedFile", "check_name", "check_size", "safe_filename", "sniff", "validate_upload"]

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


def check_size(name: str, size: int) -> None:
    """Refuse a file over WEGO_MAX_UPLOAD_BYTES (call before reading it into memory)."""
    limit = settings.WEGO_MAX_UPLOAD_BYTES
    if size > limit:
        reject(
            _("“%(name)s” is too large (%(size)s; the limit is %(limit)s).")
            % {"name": safe_filename(name), "size": filesizeformat(size), "limit": filesizeformat(limit)},
            "too_large",
        )


def check_name(name: str) -> None:
    """Refuse a name that is only an extension (".pdf") or nothing at all."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1].strip()
    stem, dot, extension = base.rpartition(".")
    if not base.strip(". "):
        reject(_("The file has no name. Rename it (for example “plan.pdf”) and upload it again."), "name")
    if dot and not stem.strip(". "):
        reject(
            _(
                "“%(name)s” has no name before its extension. Rename the file (for example “plan.%(ext)s”) "
                "and upload it again."
            )
            % {"name": base, "ext": extension or "pdf"},
            "name",
        )


def validate_upload(name: str, data: bytes) -> CheckedFile:
    """Check one uploaded file; ValidationError (with a code) if it is refused."""
    check_size(name, len(data))
    check_name(name)
    clean_name = safe_filename(name)
    try:
        kind = sniff(data)
    except ValidationError as error:
        raise ValidationError(f"“{clean_name}”: {' '.join(error.messages)}", code=error.code) from None
    content_type, extensions, label = TYPES[kind]
    extension = "." + clean_name.rpartition(".")[2].lower() if "." in clean_name else ""
    if extension not in extensions:
        reject(
            _("“%(name)s” is mislabelled: its content is %(label)s, so its name must end in %(ext)s.")
            % {"name": clean_name, "label": label, "ext": " / ".join(extensions)},
            "mislabelled",
        )
    return CheckedFile(name=clean_name, kind=kind, content_type=content_type, data=data)

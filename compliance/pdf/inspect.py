"""Step 2 of a packet: read every stored file and decide what the packet does with it.

- A PDF that is safe and within bounds is appended in full (`merge()` reads it again
  from storage and copies its pages, one document at a time).
- An encrypted or unreadable PDF, a non-PDF file, and a PDF the packet cannot stamp and
  merge within bounded time and memory (a content stream that inflates past the budget,
  too many pages) are listed with a note and attached as embedded files, as they are.
- A file with active content (JavaScript, launch actions, embedded files, macros,
  external templates, a file that is also another file, unsafe ZIP names) is
  **quarantined**: listed with a note saying what was found, never appended and never
  embedded. This also covers files stored before the upload checks refused them.

Never raises on a bad file: one hostile file cannot break a packet.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..filecheck import ACTIVE_CODES, Limits, describe_active, inspect_pdf, sniff
from .content import FileEntry, PacketContent

logger = logging.getLogger(__name__)


def packet_limits() -> Limits:
    """The bounds within which an appended PDF must be stamped and merged."""
    return Limits(
        content_bytes=settings.WEGO_PACKET_MAX_CONTENT_BYTES,
        page_content_bytes=settings.WEGO_PACKET_MAX_PAGE_CONTENT_BYTES,
        pages=settings.WEGO_PACKET_MAX_APPENDED_PAGES,
        seconds=settings.WEGO_PACKET_INSPECT_SECONDS,
    )


HEAVY_NOTES = {
    "content": lambda: _("its page content inflates past the %(mb)s MB the packet allows"),
    "object_stream": lambda: _("its internal object streams inflate past the %(mb)s MB the packet allows"),
    "pages": lambda: _("it has more than %(pages)s pages"),
    "objects": lambda: _("it has too many internal objects"),
    "time": lambda: _("it could not be checked within %(seconds)s seconds"),
}


def _quarantine(entry, what):
    entry.disposition = "quarantined"
    entry.embedded = False
    entry.attachment_name = ""
    entry.note = _(
        "Quarantined: %(what)s. It is neither appended nor embedded; the original stays in the tracker for review."
    ) % {"what": what}


def _heavy(entry, reason, limits):
    entry.disposition, entry.embedded = "attached", True
    detail = str(HEAVY_NOTES.get(reason, HEAVY_NOTES["time"])()) % {
        "mb": limits.content_bytes // 2**20,
        "pages": limits.pages,
        "seconds": int(limits.seconds),
    }
    entry.note = _(
        "Not appended: %(why)s, so it cannot be stamped and merged safely; the original is embedded as an attached file."
    ) % {"why": detail}


ACTIVE_FINDINGS = {
    "active": lambda: _("it contains active content (JavaScript, launch actions or embedded files)"),
    "macros": lambda: _("it contains macros or other code that runs when it is opened"),
    "external": lambda: _("it loads an external or remote template or object"),
    "polyglot": lambda: _("another file is hidden in it"),
    "zip_names": lambda: _("its archive entries have unsafe names"),
}


def _active_other(raw):
    """What a non-PDF file holds that runs or hides (macros, remote templates, …), else ''."""
    try:
        sniff(raw)
    except ValidationError as error:
        if error.code in ACTIVE_CODES:
            return str(ACTIVE_FINDINGS[error.code]())
    except Exception:  # noqa: BLE001 - judging a stored file must never break a packet
        logger.exception("packet: could not check a stored file")
    return ""


def inspect_files(content: PacketContent) -> list[FileEntry]:
    """Read every file in scope; decide what the packet does with it. Never raises on a bad file.

    One file at a time: its bytes and the reader that inspected it go before the next
    is read, so memory does not grow with the number or size of the files; `merge()`
    reads an appended PDF again from storage, and embeds the other files from there.
    """
    from .spill import collect, collecting

    limits = packet_limits()
    entries = []
    number = 0
    read = [0]
    with collecting():
        for document in content.documents:
            for f in sorted(document.files.all(), key=lambda f: (f.uploaded_at or datetime.datetime.min, f.pk)):
                number += 1
                entry = FileEntry(number=number, document=document, file=f)
                entries.append(entry)
                _inspect_one(entry, limits)
                collect(read, entry.size)  # the reader that inspected it is freed in time
    return entries


def _inspect_one(entry: FileEntry, limits) -> None:
    from ..storage import open_blob

    f = entry.file
    try:
        with open_blob(f.sha256) as fh:
            raw = fh.read()
    except (OSError, ValueError):
        entry.disposition, entry.note = "missing", _("The stored file could not be read.")
        return
    if hashlib.sha256(raw).hexdigest() != f.sha256:
        entry.disposition, entry.note = "corrupt", _("The stored file does not match its SHA-256.")
        return
    entry.size = len(raw)
    entry.attachment_name = f"{entry.number:02d}-{f.original_name}"
    looks_pdf = raw[:1024].lstrip().startswith(b"%PDF") or f.content_type == "application/pdf"
    if not looks_pdf:
        found = _active_other(raw)
        if found:
            _quarantine(entry, found)
            return
        entry.disposition, entry.embedded = "attached", True
        entry.note = _("Not a PDF: embedded in this packet as an attached file.")
        return
    facts = inspect_pdf(raw, limits)
    if facts.polyglot:
        _quarantine(entry, _("another file (%(what)s) is hidden in it") % {"what": facts.polyglot})
        return
    if facts.active:
        _quarantine(entry, _("it contains %(what)s") % {"what": describe_active(facts.active)})
        return
    entry.embedded = True  # attached as it is, unless it can be appended
    if facts.encrypted:
        entry.disposition = "encrypted"
        entry.note = _("Encrypted PDF: it cannot be appended; the original is embedded as an attached file.")
        return
    if facts.heavy:
        logger.info("packet: %s (%s) not appended: %s", f.original_name, f.sha256, facts.heavy)
        _heavy(entry, facts.heavy, limits)
        return
    if facts.corrupt or not facts.ok:
        logger.info("packet: unreadable PDF %s (%s): %s", f.original_name, f.sha256, facts.corrupt)
        entry.disposition = "corrupt"
        entry.note = _("Damaged PDF: it cannot be read; the original is embedded as an attached file.")
        return
    # Appended: `merge()` reads it again from storage (the same bytes: the store is
    # content-addressed, and the copy into the packet is checked), one file at a time.
    entry.embedded = False
    entry.page_count = facts.pages
    entry.disposition = "appended"

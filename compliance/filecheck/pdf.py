"""Is a PDF safe to open, and can a packet append it within bounded time and memory?

`inspect_pdf(data)` reads a PDF without ever inflating more than a fixed budget and
returns a `PdfFacts`: whether it is encrypted or damaged, which kinds of active content
it carries (JavaScript, launch actions, embedded files, rich media, XFA forms), whether
data after its end forms another file (a polyglot, e.g. a PDF that is also a ZIP), and
whether it is too heavy to stamp and merge (a content stream that inflates past the
budget, too many pages, an inspection that runs out of time).

The same facts serve two callers: the upload check refuses such a file, and the packet
build lists it with a note instead of appending it. Nothing here touches the database
or storage.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .common import describe_active, polyglot, reject

# Names that make a PDF do something when opened or clicked, beyond showing pages.
# Keys and values are both checked: /JS is a key of a JavaScript action, /JavaScript a
# key of the name tree and the /S value of the action.
ACTIVE_NAMES = {
    "/JavaScript": "javascript",
    "/JS": "javascript",
    "/Launch": "launch",
    "/EmbeddedFile": "embedded_file",
    "/EmbeddedFiles": "embedded_file",
    "/FileAttachment": "embedded_file",
    "/GoToE": "embedded_file",
    "/RichMedia": "rich_media",
    "/XFA": "xfa",
}
# The same names in the raw bytes, where a name may write any character as #hh.
_NAME_RAW = re.compile(
    rb"/("
    + rb"|".join(
        b"".join(
            b"(?:"
            + re.escape(ch.encode())
            + b"|#"
            + f"{ord(ch):02x}".encode()
            + b"|#"
            + f"{ord(ch):02X}".encode()
            + b")"
            for ch in name[1:]
        )
        for name in sorted(ACTIVE_NAMES, key=len, reverse=True)
    )
    + rb")(?![A-Za-z0-9#])"
)
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")

# Signatures of other formats found after a PDF's last %%EOF.
TRAILING_SIGNATURES = (
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"%PDF-", "PDF"),
    (b"MZ", "Windows program"),
    (b"\x7fELF", "Linux program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE/Office"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"{\\rtf", "RTF"),
    (b"#!", "script"),
)
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|script|svg|\?xml|iframe|body|\?php)", re.I)
# Unidentified bytes after the end up to this size are tolerated (some producers pad).
TRAILING_TOLERANCE = 1024


@dataclass(frozen=True)
class Limits:
    """Budgets for one PDF; beyond them it is 'too heavy', never a crash."""

    content_bytes: int = 32 * 2**20  # all page content streams of the file, inflated
    page_content_bytes: int = 16 * 2**20  # one page's content, inflated
    object_stream_bytes: int = 32 * 2**20  # each object/xref stream, inflated
    pages: int = 1000
    objects: int = 500_000
    seconds: float = 20.0


@dataclass
class PdfFacts:
    encrypted: bool = False  # needs a password to open
    corrupt: str = ""  # why it cannot be read (for the log; users see a fixed message)
    active: list = field(default_factory=list)  # codes of ACTIVE_NAMES values, first seen first
    polyglot: str = ""  # what the data after the end is, e.g. "ZIP"
    heavy: str = ""  # pages / content / object_stream / time
    pages: int = 0

    @property
    def ok(self):
        return not (self.encrypted or self.corrupt or self.active or self.polyglot or self.heavy)

    def flag(self, code):
        if code not in self.active:
            self.active.append(code)


class _OverBudget(Exception):
    def __init__(self, reason):
        self.reason = reason


def inflated_size(raw: bytes, cap: int, rounds: int = 1) -> int | None:
    """Bytes that `rounds` nested FlateDecode filters make of `raw`, or None past `cap`.

    Works in 1 MiB chunks, so memory stays constant whatever the ratio. A damaged
    stream counts what could be inflated before the damage.
    """
    stages = [zlib.decompressobj() for _ in range(rounds)]
    total = 0

    def feed(level, data):
        nonlocal total
        d = stages[level]
        while data:
            try:
                out = d.decompress(data, 2**20)
            except zlib.error:
                return
            data = d.unconsumed_tail
            if level + 1 < len(stages):
                feed(level + 1, out)
            else:
                total += len(out)
                if total > cap:
                    raise _OverBudget("content")
            if d.eof or not out and not data:
                return

    try:
        feed(0, raw)
    except _OverBudget:
        return None
    return total


def trailing_data(data: bytes) -> str:
    """What follows the PDF's last %%EOF, if it forms another file; "" otherwise."""
    end = data.rfind(b"%%EOF")
    tail = data[end + 5 :] if end != -1 else b""
    # A ZIP's directory sits at its end: a PDF that zipfile opens is also a ZIP,
    # wherever its members are.
    if b"PK\x05\x06" in data[-(65536 + 22) :]:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if archive.infolist():
                    return "ZIP"
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            pass
    rest = tail.lstrip(b"\x00\t\n\x0c\r ")
    if not rest:
        return ""
    for signature, label in TRAILING_SIGNATURES:
        if rest.startswith(signature) or (len(signature) >= 4 and signature in rest[:4096]):
            return label
    if _MARKUP.search(rest[:4096]):
        return "HTML/XML"
    try:
        import filetype

        guess = filetype.guess(rest[:8192])
    except Exception:  # noqa: BLE001 - a guess is only a guess
        guess = None
    if guess is not None:
        return guess.mime
    if len(rest) > TRAILING_TOLERANCE:
        return "unknown data"
    return ""


def _stream_regions(data: bytes):
    """(dictionary bytes, start of data, end of data) of each raw stream, in file order."""
    pos = 0
    while True:
        match = _STREAM_START.search(data, pos)
        if match is None:
            return
        start = match.end()
        end = data.find(b"endstream", start)
        if end == -1:
            end = len(data)
        # The dictionary starts after the previous stream ends: look back no further, or
        # every stream searches the whole file before it (quadratic: a 47 MB scan took
        # longer than the inspection's time budget).
        head_from = max(data.rfind(b" obj", pos, match.start()), data.rfind(b"\nobj", pos, match.start()), pos)
        head = _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data[head_from : match.start()])
        yield head, start, end
        pos = end + 9


def _raw_scan(data: bytes, facts: PdfFacts, limits: Limits, deadline: float):
    """Active names outside stream data, and bounded inflation of object/xref streams.

    Runs before any parser: pypdf inflates xref and object streams whole while it reads.
    """
    cursor = 0
    for head, start, end in _stream_regions(data):
        for match in _NAME_RAW.finditer(data, cursor, start):
            name = "/" + _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode("latin-1")
            if name in ACTIVE_NAMES:
                facts.flag(ACTIVE_NAMES[name])
        cursor = end
        if re.search(rb"/Type\s*/(?:ObjStm|XRef)\b", head):
            rounds = len(re.findall(rb"/FlateDecode\b|/Fl\b", head)) or 0
            if rounds and inflated_size(data[start:end], limits.object_stream_bytes, rounds) is None:
                raise _OverBudget("object_stream")
        if time.monotonic() > deadline:
            raise _OverBudget("time")
    for match in _NAME_RAW.finditer(data, cursor):
        name = "/" + _HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1)).decode("latin-1")
        if name in ACTIVE_NAMES:
            facts.flag(ACTIVE_NAMES[name])


def _walk(obj, facts: PdfFacts, depth=0, budget=None):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    budget[0] -= 1
    if budget[0] < 0:
        raise _OverBudget("objects")
    if depth > 64:
        return
    if isinstance(obj, NameObject):
        code = ACTIVE_NAMES.get(str(obj))
        if code:
            facts.flag(code)
    elif isinstance(obj, DictionaryObject):  # streams are dictionaries too
        for key, value in obj.items():
            code = ACTIVE_NAMES.get(str(key))
            if code:
                facts.flag(code)
            _walk(value, facts, depth + 1, budget)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _walk(value, facts, depth + 1, budget)


def _filters(stream):
    from pypdf.generic import ArrayObject

    value = stream.get("/Filter")
    if value is None:
        return []
    value = value.get_object()
    items = value if isinstance(value, ArrayObject) else [value]
    return [str(v.get_object()) for v in items]


def _content_size(page, cap) -> int | None:
    """Inflated size of a page's content, or None past `cap` or when it cannot be bounded."""
    from pypdf.generic import ArrayObject

    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    total = 0
    for ref in streams:
        stream = ref.get_object()
        raw = getattr(stream, "_data", b"") or b""
        filters = _filters(stream)
        if not filters:
            size = len(raw)
        elif all(f in ("/FlateDecode", "/Fl") for f in filters):
            size = inflated_size(raw, cap - total, rounds=len(filters))
        elif len(raw) * 3000 <= cap - total:
            # Other filters (LZW, run length, hex) expand at most a few thousand times:
            # small enough to decode for real.
            size = len(stream.get_data())
        else:
            return None
        if size is None:
            return None
        total += size
        if total > cap:
            return None
    return total


def inspect_pdf(data: bytes, limits: Limits | None = None) -> PdfFacts:
    """Facts about `data` (a PDF). Never raises for what the file contains."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    limits = limits or Limits()
    facts = PdfFacts()
    deadline = time.monotonic() + limits.seconds
    facts.polyglot = trailing_data(data)
    try:
        _raw_scan(data, facts, limits, deadline)
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
            if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
                facts.encrypted = True
            else:
                facts.corrupt = f"{type(exc).__name__}: {exc}"
            return facts
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - missing crypto support or a wrong key: cannot read
                opened = 0
            if not opened:
                facts.encrypted = True
                return facts
        budget = [limits.objects * 8]
        numbers = set(reader.xref_objStm)
        for table in reader.xref.values():
            numbers.update(table)
        if len(numbers) > limits.objects:
            raise _OverBudget("objects")
        for number in sorted(numbers):
            generation = 0
            for gen, table in reader.xref.items():
                if number in table:
                    generation = gen
            try:
                obj = IndirectObject(number, generation, reader).get_object()
            except Exception:  # noqa: BLE001 - one unreadable object is judged by the pages below
                continue
            _walk(obj, facts, budget=budget)
            if time.monotonic() > deadline:
                raise _OverBudget("time")
        _walk(reader.trailer, facts, budget=budget)
        facts.pages = len(reader.pages)
        if facts.pages < 1:
            facts.corrupt = "no pages"
            return facts
        if facts.pages > limits.pages:
            raise _OverBudget("pages")
        total = 0
        for page in reader.pages:
            size = _content_size(page, min(limits.page_content_bytes, limits.content_bytes - total))
            if size is None:
                raise _OverBudget("content")
            total += size
            if time.monotonic() > deadline:
                raise _OverBudget("time")
    except _OverBudget as over:
        facts.heavy = over.reason
    except RecursionError:
        facts.corrupt = "recursion"
    except Exception as exc:  # noqa: BLE001 - any parser failure means "unreadable", never a crash
        facts.corrupt = f"{type(exc).__name__}: {exc}"
    return facts


def sniff_pdf(data):
    facts = inspect_pdf(data)
    if facts.polyglot:
        polyglot(facts.polyglot)
    if b"%%EOF" not in data.rstrip(b"\x00\t\n\x0c\r ")[-1024:]:
        reject(_("The PDF is incomplete or corrupt (no end-of-file marker)."), "corrupt")
    if facts.encrypted:
        reject(_("The PDF is password-protected. Please submit it without a password."), "encrypted")
    if facts.corrupt:
        reject(_("The PDF is corrupt and cannot be read."), "corrupt")
    if facts.active:
        reject(
            _(
                "The PDF contains active content (%(what)s), which is not accepted. "
                "Print it to a new PDF (or save it as PDF/A) and submit that."
            )
            % {"what": describe_active(facts.active)},
            "active",
        )
    # A PDF too heavy to stamp (facts.heavy) is accepted: the packet attaches it unmerged.
    return "pdf"

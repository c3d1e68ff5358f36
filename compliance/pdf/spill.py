"""A packet's bulk stays on disk: memory does not grow with its documents (`merge`).

pypdf's writer holds every object of the PDF it makes until it writes it. The objects
themselves (pages, fonts' dictionaries, outlines) are small; the data of large streams
(a scanned page's image, an embedded file) is not. So:

- after each document is appended, `Spill.take()` copies the data of every large stream
  the writer took from it to one temporary file and puts an `OnDisk` stream in its place,
  which copies the data from there when the packet is written;
- an embedded file (`Spill.embed()`) is an `OnDisk` stream over the stored blob itself,
  whose SHA-256 is checked as it is copied into the packet.

The packet is then written, object by object, to a file: at no point are the appended
documents or the embedded files all in memory; at most the one being appended. The bytes
written are those pypdf would write for the same streams (`StreamObject.write_to_stream`).
Imported where a packet is merged, not at the app's start (pypdf is loaded on use).

pypdf is kept (rather than qpdf through pikepdf) because this is all it takes: the
writer's objects are replaced one for one, so ids, order and content are unchanged.
"""

from __future__ import annotations

import gc
import hashlib
import tempfile
from contextlib import contextmanager

from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

from .content import PacketError

CHUNK = 1 << 20
# Streams at least this large go to disk; smaller ones (page contents, fonts' metrics,
# the footers) stay where pypdf put them.
SPILL_BYTES = 16 * 1024


class OnDisk(StreamObject):
    """A stream whose data lies in a file, from `offset`, `length` bytes; copied (and, with
    `sha256`, checked) when the PDF is written."""

    def __init__(self, source, offset: int, length: int, sha256: str | None = None):
        super().__init__()
        self.source, self.offset, self.length, self.sha256 = source, offset, length, sha256

    def _chunks(self):
        fh = open(self.source, "rb") if isinstance(self.source, str) else self.source  # noqa: SIM115
        try:
            fh.seek(self.offset)
            left = self.length
            while left:
                chunk = fh.read(min(CHUNK, left))
                if not chunk:
                    raise PacketError("A file of the packet changed while it was being built.")
                left -= len(chunk)
                yield chunk
        finally:
            if fh is not self.source:
                fh.close()

    def get_data(self) -> bytes:
        return b"".join(self._chunks())

    def write_to_stream(self, stream, *args, **kwargs) -> None:
        # As StreamObject.write_to_stream, the data copied in pieces.
        self[NameObject("/Length")] = NumberObject(self.length)
        DictionaryObject.write_to_stream(self, stream)
        del self["/Length"]
        stream.write(b"\nstream\n")
        digest = hashlib.sha256() if self.sha256 else None
        for chunk in self._chunks():
            if digest:
                digest.update(chunk)
            stream.write(chunk)
        if digest and digest.hexdigest() != self.sha256:
            raise PacketError("A file of the packet changed while it was being built.")
        stream.write(b"\nendstream")


def collect(pending: list, size: int) -> None:
    """A pypdf reader and its objects refer to each other: only the cycle collector frees
    them (and the file's data they hold). Run it once every COLLECT_BYTES of files read
    (`pending` counts them), not after each file: a full collection costs time.

    What survives a collection is alive (the app, the writer's pages so far): it is frozen
    out of the next ones (`gc.freeze`), which then scan only what was read since. Each
    full collection had scanned every object of the process again, 76 ms apiece, a second
    of a packet's build. Call within `collecting()` (or a `Spill`), which gives them back."""
    pending[0] += size
    if pending[0] >= COLLECT_BYTES:
        gc.collect()
        gc.freeze()
        pending[0] = 0


@contextmanager
def collecting():
    """The scope of `collect()` calls: what they froze is collectable again afterwards
    (a worker builds many packets; nothing may stay frozen for its life)."""
    try:
        yield
    finally:
        gc.unfreeze()


COLLECT_BYTES = 16 * 2**20


class Spill:
    """The temporary file the large streams of the appended documents are moved to."""

    def __init__(self, directory=None):
        self.file = tempfile.TemporaryFile(prefix="wego-packet-", dir=directory)  # noqa: SIM115
        self.bytes = 0
        self.named = []  # (name, page) of the appended pages' links by name (`let_go`)
        self.read = [0]  # bytes read since the last collection (`collect`)

    def close(self):
        """The end of a merge: the temporary file goes, and what `collect()` froze while
        appending (`self.read` counts its bytes) is collectable again."""
        self.file.close()
        gc.unfreeze()

    def take(self, writer, first: int) -> None:
        """Move the data of the large streams among the writer's objects from `first` (an
        index into them) on to disk."""
        objects = writer._objects
        for index in range(first, len(objects)):
            obj = objects[index]
            if not isinstance(obj, StreamObject) or isinstance(obj, OnDisk):
                continue
            data = obj._data
            if len(data) < SPILL_BYTES:
                continue
            self.file.seek(0, 2)
            offset = self.file.tell()
            self.file.write(data)
            self.bytes += len(data)
            objects[index] = _replace(obj, OnDisk(self.file, offset, len(data)))

    def let_go(self, writer, reader, first: int, links_from: int, appended: bool) -> None:
        """Let the writer drop `reader` once its pages are in (or, `appended` false, were
        taken out again). pypdf keeps a reader for as long as the translation of its
        objects, its pages' links to its own pages and each copied page's `original_page`
        are kept, i.e. until the packet is written: the links are patched now, as pypdf
        would patch them then (a link by name gets its named destination when the packet
        is written, `name_links`, in the same order), and all three are forgotten."""
        from pypdf import PageObject
        from pypdf.generic import NamedReferenceLink

        for obj in writer._objects[first:]:
            if isinstance(obj, PageObject) and "original_page" in vars(obj):
                del obj.original_page  # "very local use in writer when appending" (pypdf)

        links = writer._unresolved_links[links_from:]
        del writer._unresolved_links[links_from:]
        if appended:
            for new, old in links:
                page = writer._merged_in_pages.get(old.find_referenced_page())
                if page is None:
                    continue
                if isinstance(new, NamedReferenceLink):
                    self.named.append((str(new._reference), page))
                else:
                    new.patch_reference(writer, page)
        for key in [k for k in writer._merged_in_pages if k is not None and k.pdf is reader]:
            del writer._merged_in_pages[key]
        writer.reset_translation(reader)

    def name_links(self, writer) -> None:
        """The named destinations the appended pages' links use, as pypdf adds them."""
        known = None
        for name, page in self.named:
            known = set(writer.named_destinations) if known is None else known
            if name not in known:
                writer.add_named_destination(name, page.page_number)
                known.add(name)

    def embed(self, writer, name: str, path, size: int, sha256: str) -> None:
        """Embed the file at `path` as an attached file named `name`, read from there (and
        its hash checked) only as the packet is written."""
        attachment = writer.add_attachment(name, b"")
        reference = attachment.pdf_object["/EF"].raw_get("/F")
        stream = writer._objects[reference.idnum - 1]
        writer._objects[reference.idnum - 1] = _replace(stream, OnDisk(str(path), 0, size, sha256))


def _replace(stream, disk):
    """`disk` standing in for `stream`: the same dictionary and the same object number."""
    disk.update(stream)
    if getattr(stream, "indirect_reference", None) is not None:
        disk.indirect_reference = stream.indirect_reference
    return disk

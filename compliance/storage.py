"""Private, content-addressed blob storage for submitted files.

Blobs live under settings.PRIVATE_STORAGE_ROOT as ``ab/abcdef...`` (the SHA-256 of the
content); nothing there is reachable by URL. Writing is atomic (temp file + rename), so
a crash never leaves a half-written blob under a real name.
"""

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings


class StorageUnavailable(OSError):
    """The file store cannot take a file: full, read-only or otherwise unwritable.

    Raised instead of the bare OSError so that callers can tell the user what is wrong
    (and that nothing was saved) rather than "try again shortly".
    """

    @property
    def reason(self) -> str:
        """ "full", "read-only" or the system's name of the error."""
        return _REASONS.get(self.errno, errno.errorcode.get(self.errno, "unwritable"))


_REASONS = {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EFBIG: "full", errno.EROFS: "read-only"}


CHUNK = 2**20


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return Path(settings.PRIVATE_STORAGE_ROOT) / sha256[:2] / sha256


def store_bytes(data: bytes) -> tuple[str, int, bool]:
    """Store `data`; return (sha256, size, created). An existing blob is reused."""
    digest = hashlib.sha256(data).hexdigest()
    return digest, len(data), _store(digest, lambda fh: fh.write(data))


def store_file(source) -> tuple[str, int, bool]:
    """Store the file at `source` (read in pieces, never whole in memory); return
    (sha256, size, created). An existing blob is reused."""
    digest, size = hashlib.sha256(), 0
    with open(source, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)

    def copy(out):
        with open(source, "rb") as fh:
            shutil.copyfileobj(fh, out, CHUNK)

    return digest.hexdigest(), size, _store(digest.hexdigest(), copy)


def _store(digest: str, write) -> bool:
    """Write the blob `digest` with `write(fh)` unless it exists: atomically (temp file,
    fsync, rename); whether it was created."""
    path = blob_path(digest)
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError as exc:
        raise StorageUnavailable(exc.errno, exc.strerror, str(path.parent)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise StorageUnavailable(exc.errno, exc.strerror, str(path)) from exc
        raise
    return True


def delete_blob(sha256: str) -> None:
    blob_path(sha256).unlink(missing_ok=True)


def open_blob(sha256: str):
    return open(blob_path(sha256), "rb")


def status() -> dict:
    """For /health/: can a file be written to the store now, and how much space is left?

    Writes, syncs and removes a small probe file. ``{"storage": "ok" | "error: full" |
    "error: read-only" | "error: <errno>", "storage_free_bytes": int | None}``.
    """
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    result = {"storage": "ok", "storage_free_bytes": None}
    try:
        root.mkdir(parents=True, exist_ok=True)
        result["storage_free_bytes"] = shutil.disk_usage(root).free
        fd, probe = tempfile.mkstemp(dir=root, prefix=".health-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"\0" * 4096)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            Path(probe).unlink(missing_ok=True)
    except OSError as exc:
        result["storage"] = f"error: {StorageUnavailable(exc.errno, exc.strerror).reason}"
    return result

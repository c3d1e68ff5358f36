"""Private, content-addressed blob storage for submitted files.

Blobs live under settings.PRIVATE_STORAGE_ROOT as ``ab/abcdef...`` (the SHA-256 of the
content); nothing there is reachable by URL. Writing is atomic (temp file + rename), so
a crash never leaves a half-written blob under a real name.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return Path(settings.PRIVATE_STORAGE_ROOT) / sha256[:2] / sha256


def store_bytes(data: bytes) -> tuple[str, int, bool]:
    """Store `data`; return (sha256, size, created). An existing blob is reused."""
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(digest)
    if path.exists():
        return digest, len(data), False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest, len(data), True


def delete_blob(sha256: str) -> None:
    blob_path(sha256).unlink(missing_ok=True)


def open_blob(sha256: str):
    return open(blob_path(sha256), "rb")

"""Files waiting between an import's dry run and its confirmation.

A dry run keeps the checked file here (not in the documents' blob storage, which
submitted files share), named by a random id that only the signed confirmation token
carries. Confirming takes it and removes it; a dry run never confirmed is removed by
`sweep()` once it is older than IMPORT_PENDING_MAX_AGE (the token's own lifetime):
every dry run sweeps, and so does the daily `sweep_pending_imports` task, so nothing
stays for ever.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from django.conf import settings

_ID = re.compile(r"[0-9a-f]{32}")


def folder() -> Path:
    return Path(settings.IMPORT_PENDING_DIR)


def _path(ref: str) -> Path:
    if not isinstance(ref, str) or not _ID.fullmatch(ref):
        raise ValueError("not a pending import id")
    return folder() / ref


def keep(data: bytes) -> tuple[str, str]:
    """Store `data` until it is confirmed or expires; (id, SHA-256). Sweeps old files first."""
    sweep()
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    ref = secrets.token_hex(16)
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, root / ref)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ref, hashlib.sha256(data).hexdigest()


def take(ref: str, sha256: str) -> bytes:
    """The kept file, if it is still there and unchanged; OSError/ValueError otherwise."""
    data = _path(ref).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("the pending import changed")
    return data


def discard(ref: str) -> None:
    try:
        _path(ref).unlink(missing_ok=True)
    except ValueError:
        pass


def sweep(max_age: int | None = None, now: float | None = None) -> int:
    """Remove pending files (and stray temporary files) older than `max_age` seconds."""
    max_age = settings.IMPORT_PENDING_MAX_AGE if max_age is None else max_age
    now = time.time() if now is None else now
    removed = 0
    try:
        entries = list(folder().iterdir())
    except FileNotFoundError:
        return 0
    for path in entries:
        try:
            if path.is_file() and now - path.stat().st_mtime > max_age:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed

"""The audit trail's head, published outside the database, and the check against it.

A hash chain shows an edited or removed entry in the middle, but not entries cut off at
the end, nor an emptied table: the shorter chain is still a valid chain. So the head
(the newest entry's `seq` and hash) is published, periodically and whenever someone runs
`verify_audit --publish`, to a new write-once file in WEGO_AUDIT_HEAD_DIR (created
exclusively, read-only, fsynced). Each file carries an HMAC with the audit key, so a
file edited to "forget" the lost entries is recognised. Point WEGO_AUDIT_HEAD_DIR at
storage the database role cannot write (append-only, or another machine's mount); in
docker-compose only the `audit-publisher` service mounts it writable.

Each head is numbered and carries the hash of the head before it, and each publication
is also recorded in the database (`AuditHeadPublication`): head files deleted (with the
trail or without it) are reported as missing, never read as "nothing to compare". Each
head and record names the key that signed it by its id (`key_id()`, never the key), so
a changed or missing WEGO_AUDIT_KEY is reported as a key problem, not as tampering.
"""

import datetime
import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone

PREFIX, SUFFIX = "head-", ".json"


def key_id(key=None) -> str:
    """A short, one-way name of the audit key: which key signed what, without revealing it."""
    key = settings.WEGO_AUDIT_KEY if key is None else key
    return hmac.new(key.encode("utf-8"), b"wego-audit-key-id", hashlib.sha256).hexdigest()[:16]


def _digest(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def _mac(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(settings.WEGO_AUDIT_KEY.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def current_head():
    """(seq, entry_hash) of the newest entry, or None for an empty trail."""
    from .models import AuditEntry

    return AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()


def published_heads(directory=None) -> list[dict]:
    """Every published head, oldest first: seq, entry_hash, published_at, number,
    previous (the digest of the head before), key_id, digest (of this file's content),
    path, valid (signed with the current key). Heads written before issue 25 have no
    number, previous or key_id."""
    directory = Path(directory or settings.WEGO_AUDIT_HEAD_DIR)
    if not directory.is_dir():
        return []
    heads = []
    for path in sorted(directory.glob(f"{PREFIX}*{SUFFIX}")):
        try:
            body = json.loads(path.read_text("utf-8"))
            digest = _digest(body)
            mac = body.pop("mac", "")
            valid = isinstance(mac, str) and hmac.compare_digest(_mac(body), mac) and isinstance(body.get("seq"), int)
            heads.append({"number": None, "previous": None, "key_id": None, **body, "path": path, "valid": valid})
            heads[-1]["digest"] = digest
        except (OSError, ValueError, TypeError, AttributeError):
            heads.append(
                {
                    "seq": None,
                    "entry_hash": None,
                    "published_at": None,
                    "number": None,
                    "previous": None,
                    "key_id": None,
                    "digest": None,
                    "path": path,
                    "valid": False,
                }
            )
    return heads


def publish_head(now=None, directory=None, min_interval=None):
    """Write the head to a new write-once file and record it in the database; returns the
    file's path, or None when the trail is empty, has not moved since the last file, or
    that file is younger than `min_interval`."""
    from .models import AuditHeadPublication

    directory = Path(directory or settings.WEGO_AUDIT_HEAD_DIR)
    now = now or timezone.now()
    head = current_head()
    if head is None:
        return None
    heads = published_heads(directory)
    valid = [h for h in heads if h["valid"]]
    if valid:
        last = valid[-1]
        if (last["seq"], last["entry_hash"]) == tuple(head):
            return None
        published = datetime.datetime.fromisoformat(last["published_at"])
        if min_interval is not None and now - published < min_interval:
            return None
    previous = heads[-1] if heads else None
    recorded = AuditHeadPublication.objects.order_by("-number").values_list("number", flat=True).first() or 0
    number = max(recorded, previous.get("number") or 0 if previous else 0) + 1
    stamp = now.astimezone(datetime.UTC)
    body = {
        "seq": head[0],
        "entry_hash": head[1],
        "published_at": stamp.isoformat(),
        "number": number,
        "previous": previous["digest"] if previous else None,
        "key_id": key_id(),
    }
    body["mac"] = _mac(body)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{PREFIX}{stamp:%Y%m%dT%H%M%S%fZ}-{head[0]:012d}{SUFFIX}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(body, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    AuditHeadPublication.objects.create(
        number=number, seq=head[0], entry_hash=head[1], key_id=body["key_id"], file_name=path.name, published_at=now
    )
    return path


def key_problem(directory=None):
    """None if the current WEGO_AUDIT_KEY is the one the heads were signed with (or
    nothing says which key that was); else what is wrong with the key, in a sentence.

    Asked before the chain: with another key every signature fails, which would read as
    a rewritten trail although nobody touched it."""
    from .models import AuditHeadPublication

    known = {h["key_id"] for h in published_heads(directory) if h.get("key_id")}
    known |= set(AuditHeadPublication.objects.values_list("key_id", flat=True).distinct())
    current = key_id()
    if not known or current in known:
        return None
    missing = getattr(settings, "WEGO_AUDIT_KEY_DERIVED", False)
    why = "WEGO_AUDIT_KEY is not set (a key derived from SECRET_KEY is used)" if missing else "WEGO_AUDIT_KEY changed"
    return (
        f"{why}: the published heads were signed with the key {', '.join(sorted(known))}, this process has "
        f"{current}. Restore the key the trail was signed with; this says nothing about tampering"
    )


def _missing_heads(heads):
    """Heads published (recorded in the database, or named by a later head) but not in the folder."""
    from .models import AuditHeadPublication

    names = {h["path"].name for h in heads}
    gone = [p for p in AuditHeadPublication.objects.order_by("number") if p.file_name not in names]
    if gone:
        first = gone[0]
        return (
            f"{len(gone)} published head(s) are missing from {settings.WEGO_AUDIT_HEAD_DIR}: head #{first.number} "
            f"({first.file_name}, published {first.published_at.isoformat()}) is recorded in the database but its "
            "file is gone (the heads were deleted)"
        )
    numbered = [h for h in heads if isinstance(h.get("number"), int)]
    numbered.sort(key=lambda h: h["number"])
    for before, after in zip(numbered, numbered[1:], strict=False):
        if after["number"] != before["number"] + 1 or after["previous"] != before["digest"]:
            return (
                f"published heads are missing between head #{before['number']} ({before['path'].name}) and "
                f"head #{after['number']} ({after['path'].name})"
            )
    if numbered and numbered[0]["number"] != 1 and numbered[0]["previous"] is not None:
        return f"published heads before head #{numbered[0]['number']} ({numbered[0]['path'].name}) are missing"
    return None


def check_against_published(directory=None):
    """None if the trail still holds the newest published head and every published head
    is there; else what is wrong, in a sentence."""
    from .models import AuditEntry

    heads = published_heads(directory)
    forged = [h for h in heads if not h["valid"]]
    if forged:
        return f"the published head {forged[0]['path'].name} is not signed with the audit key (it was altered)"
    missing = _missing_heads(heads)
    if missing:
        return missing
    if not heads:
        return None
    last = max(heads, key=lambda h: h["seq"])
    kept = AuditEntry.objects.filter(seq=last["seq"]).values_list("entry_hash", flat=True).first()
    if kept is None:
        newest = current_head()
        now_ends = f"the trail now ends at seq={newest[0]}" if newest else "the trail is now empty"
        return (
            f"entries are missing: the head published at {last['published_at']} is seq={last['seq']}, "
            f"but {now_ends} (the newest entries were deleted or the table truncated)"
        )
    if kept != last["entry_hash"]:
        return (
            f"entry seq={last['seq']} is not the one in the head published at {last['published_at']} "
            "(the chain was rewritten)"
        )
    return None

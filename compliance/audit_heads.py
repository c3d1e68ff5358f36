"""The audit trail's head, published outside the database, and the check against it.

A hash chain shows an edited or removed entry in the middle, but not entries cut off at
the end, nor an emptied table: the shorter chain is still a valid chain. So the head
(the newest entry's `seq` and hash) is published, periodically and whenever someone runs
`verify_audit --publish`, to a new write-once file in WEGO_AUDIT_HEAD_DIR (created
exclusively, read-only, fsynced). Each file carries an HMAC with the audit key, so a
file edited to "forget" the lost entries is recognised. Point WEGO_AUDIT_HEAD_DIR at
storage the database role cannot write (append-only, or another machine's mount).
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


def _mac(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(settings.WEGO_AUDIT_KEY.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def current_head():
    """(seq, entry_hash) of the newest entry, or None for an empty trail."""
    from .models import AuditEntry

    return AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()


def published_heads(directory=None) -> list[dict]:
    """Every published head, oldest first: seq, entry_hash, published_at, path, valid."""
    directory = Path(directory or settings.WEGO_AUDIT_HEAD_DIR)
    if not directory.is_dir():
        return []
    heads = []
    for path in sorted(directory.glob(f"{PREFIX}*{SUFFIX}")):
        try:
            body = json.loads(path.read_text("utf-8"))
            mac = body.pop("mac", "")
            valid = isinstance(mac, str) and hmac.compare_digest(_mac(body), mac) and isinstance(body.get("seq"), int)
            heads.append({**body, "path": path, "valid": valid})
        except (OSError, ValueError, TypeError, AttributeError):
            heads.append({"seq": None, "entry_hash": None, "published_at": None, "path": path, "valid": False})
    return heads


def publish_head(now=None, directory=None, min_interval=None):
    """Write the head to a new write-once file; returns its path, or None when the trail
    is empty, has not moved since the last file, or that file is younger than `min_interval`."""
    directory = Path(directory or settings.WEGO_AUDIT_HEAD_DIR)
    now = now or timezone.now()
    head = current_head()
    if head is None:
        return None
    valid = [h for h in published_heads(directory) if h["valid"]]
    if valid:
        last = valid[-1]
        if (last["seq"], last["entry_hash"]) == tuple(head):
            return None
        published = datetime.datetime.fromisoformat(last["published_at"])
        if min_interval is not None and now - published < min_interval:
            return None
    stamp = now.astimezone(datetime.UTC)
    body = {"seq": head[0], "entry_hash": head[1], "published_at": stamp.isoformat()}
    body["mac"] = _mac(body)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{PREFIX}{stamp:%Y%m%dT%H%M%S%fZ}-{head[0]:012d}{SUFFIX}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(body, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def check_against_published(directory=None):
    """None if the trail still holds the newest published head; else what is wrong, in a sentence."""
    from .models import AuditEntry

    heads = published_heads(directory)
    forged = [h for h in heads if not h["valid"]]
    if forged:
        return f"the published head {forged[0]['path'].name} is not signed with the audit key (it was altered)"
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

"""The transparency log's writes: leaves appended in the write's transaction, signed heads.

`append_leaf(kind, payload)` is the one way in. Every `do_*` service that records a fact
the register's statuses rest on calls it (through `log_record`) inside its transaction,
so a fact and its leaf commit together or not at all. Appends are serialised by one
advisory lock, so indices never collide or leave a gap; after the commit one task per
transaction publishes a new signed head (`compliance.queue`), and beat publishes one on
a schedule too. Heads are also written as files a second party can mirror
(WEGO_LOG_DIR): heads/ (write-once), head.json, public_key.pem, keys/, leaf-hashes.txt.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .. import log_heads, log_keys, log_records, queue
from ..models import LogHead, LogKey, LogLeaf
from ..rules import logformat, merkle
from .common import _lock

LOCK = "transparency-log"


def append_leaf(kind: str, payload: dict, ref: str = "", now=None) -> LogLeaf:
    """Append one leaf stating `payload` (plain JSON values) as `kind`; inside a transaction.

    Call it from a `do_*` service, in its `transaction.atomic()`: the leaf is part of the
    write. `ref` names the record (``document:12``) so later checks find its newest leaf.
    """
    return append_leaves([(kind, payload, ref)], now=now)[0]


def append_leaves(items, now=None) -> list[LogLeaf]:
    """Append several leaves at once ((kind, payload, ref) each), in order: one lock, one
    count and one INSERT, for imports of thousands of rows."""
    if not connection.in_atomic_block:
        raise RuntimeError("append_leaf() belongs inside the write's transaction")
    for kind, _payload, _ref in items:
        if kind not in LogLeaf.Kind.values:
            raise ValueError(f"unknown log leaf kind {kind!r}")
    if not items:
        return []
    _lock(LOCK)  # serialise appends: indices 0..n-1 without gaps or collisions
    now = now or timezone.now()
    base = LogLeaf.objects.count()
    logged_at = now.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    leaves = []
    for offset, (kind, payload, ref) in enumerate(items):
        text = logformat.leaf_bytes(kind, logged_at, payload).decode("utf-8")
        leaves.append(
            LogLeaf(
                index=base + offset,
                kind=kind,
                ref=ref,
                leaf=text,
                leaf_hash=merkle.leaf_hash(text.encode("utf-8")).hex(),
                created_at=now,
            )
        )
    LogLeaf.objects.bulk_create(leaves, batch_size=1000)
    _publish_after_commit()
    return leaves


def log_record(kind: str, obj, now=None) -> LogLeaf:
    """Append the leaf of a record (`compliance.log_records` builds what it states)."""
    return append_leaf(kind, log_records.payload_of(kind, obj), log_records.ref_of(kind, obj), now=now)


def _publish():
    queue.enqueue(queue.PUBLISH_LOG_HEAD)


def _publish_after_commit():
    """One publication per transaction, however many leaves it appended (coalesced)."""
    if any(func is _publish for _sids, func, *_rest in connection.run_on_commit):
        return
    transaction.on_commit(_publish)


def do_append_missing(now=None) -> int:
    """Log every record that has no leaf yet (the seed loaded by `loaddata`, history from
    before the log); returns how many leaves were appended."""
    with transaction.atomic():
        _lock(LOCK)
        logged = set(LogLeaf.objects.exclude(ref="").values_list("ref", flat=True))
        items = []
        for kind, (_prefix, rows, build) in log_records.KINDS.items():
            for obj in rows().order_by("pk"):
                ref = log_records.ref_of(kind, obj)
                if ref not in logged:
                    items.append((kind, build(obj), ref))
        return len(append_leaves(items, now=now))


def do_publish_head(now=None, force=False, key=None) -> LogHead | None:
    """Sign the current tree and publish it; None when the newest head already covers it.

    `force` signs a new head even when the tree has not moved (the schedule's heartbeat:
    a mirror then sees the log is alive). `key` overrides the configured key (rotation).
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock(LOCK)
        size = LogLeaf.objects.count()
        latest = log_heads.latest_head()
        if latest is not None and latest.tree_size == size and not force:
            return None
        key = key or log_keys.signing_key()
        kid = log_keys.key_id(key)
        _refuse_retired(kid)
        LogKey.objects.get_or_create(key_id=kid, defaults={"public_pem": log_keys.public_pem(key), "created_at": now})
        head = {
            "format": logformat.HEAD_FORMAT,
            "log": settings.WEGO_LOG_NAME,
            "tree_size": size,
            "root_hash": merkle.root(log_heads.leaf_hashes(size)).hex(),
            "timestamp": now.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
            "key_id": kid,
        }
        head["signature"] = log_keys.sign(key, logformat.signed_message(head))
        row = LogHead.objects.create(
            tree_size=size,
            root_hash=head["root_hash"],
            timestamp=now,
            key_id=kid,
            signature=head["signature"],
            body=json.dumps(head, sort_keys=True, ensure_ascii=False),
        )
        transaction.on_commit(lambda: write_mirror(row))
    return row


def _refuse_retired(kid):
    if LogKey.objects.filter(key_id=kid, retired_at__isnull=False).exists():
        raise log_keys.LogKeyError(
            "The configured log signing key was retired by a rotation; set WEGO_LOG_KEY_FILE to the new key."
        )


def do_rotate_key(new_key, now=None) -> tuple[LogLeaf, LogHead]:
    """Hand the log over to `new_key`: a rotation leaf signed by the current key, a last
    head signed by it (covering the rotation), then the first head signed by the new key."""
    now = now or timezone.now()
    old = log_keys.signing_key()
    old_id, new_id, new_pem = log_keys.key_id(old), log_keys.key_id(new_key), log_keys.public_pem(new_key)
    if old_id == new_id:
        raise log_keys.LogKeyError("The new key is the key in use.")
    with transaction.atomic():
        leaf = append_leaf(
            LogLeaf.Kind.KEY_ROTATION,
            {
                "old_key_id": old_id,
                "old_public_key": log_keys.public_pem(old),
                "new_key_id": new_id,
                "new_public_key": new_pem,
                "old_signature": log_keys.sign(old, log_heads.rotation_message(old_id, new_id, new_pem)),
            },
            ref=f"key:{new_id}",
            now=now,
        )
        do_publish_head(now=now, force=True, key=old)
        LogKey.objects.filter(key_id=old_id).update(retired_at=now)
        LogKey.objects.get_or_create(key_id=new_id, defaults={"public_pem": new_pem, "created_at": now})
        head = do_publish_head(now=now + datetime.timedelta(microseconds=1), force=True, key=new_key)
    return leaf, head


# --- The mirror directory -------------------------------------------------------------


def _replace(path: Path, data: bytes):
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_mirror(head: LogHead, directory=None) -> Path:
    """Write `head` as a new write-once file and refresh the files a mirror copies."""
    directory = Path(directory or settings.WEGO_LOG_DIR)
    (directory / "heads").mkdir(parents=True, exist_ok=True)
    (directory / "keys").mkdir(exist_ok=True)
    stamp = head.timestamp.astimezone(datetime.UTC)
    path = directory / "heads" / f"{head.tree_size:012d}-{stamp:%Y%m%dT%H%M%S%fZ}.json"
    body = head.body.encode("utf-8")
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
    latest = log_heads.latest_head()
    if latest is not None:
        _replace(directory / "head.json", latest.body.encode("utf-8"))
        current = LogKey.objects.filter(key_id=latest.key_id).first()
        if current:
            _replace(directory / "public_key.pem", current.public_pem.encode())
    for key in LogKey.objects.all():
        _replace(directory / "keys" / f"{key.key_id}.pem", key.public_pem.encode())
    hashes = LogLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    _replace(directory / "leaf-hashes.txt", "".join(f"{h}\n" for h in hashes).encode())
    return path


# --- Imports ----------------------------------------------------------------------------

# What an import of each resource can state that the log records.
IMPORTED_KINDS = {
    "documents": LogLeaf.Kind.RECEIPT,
    "forwardings": LogLeaf.Kind.FORWARDING,
    "committee_reports": LogLeaf.Kind.COMMITTEE_REPORT,
    "extensions": LogLeaf.Kind.EXTENSION,
    "records_coverage": LogLeaf.Kind.COVERAGE,
}


def snapshot(kind) -> dict:
    """{ref: payload} of every record of `kind`, as it is now."""
    _prefix, rows, build = log_records.KINDS[kind]
    return {log_records.ref_of(kind, obj): build(obj) for obj in rows()}


def log_import(resource_name: str, before: dict, now=None) -> int:
    """After an applied import: append a leaf for each record of the resource's kind that
    it created or changed (compared with `before`, its `snapshot` taken before the rows
    were read). A record that already differed from its leaf and that the import did not
    touch is left for `manage.py log_records` to report, not silently logged."""
    kind = IMPORTED_KINDS.get(resource_name)
    if kind is None:
        return 0
    _prefix, rows, build = log_records.KINDS[kind]
    items = []
    for obj in rows().order_by("pk"):
        ref = log_records.ref_of(kind, obj)
        payload = build(obj)
        if before.get(ref) != payload:
            items.append((kind, payload, ref))
    return len(append_leaves(items, now=now))

"""The log's wire format: canonical JSON, what a tree head signs. Pure.

The offline verifier (`compliance/verifier/verify_packet.py`) repeats these few lines
byte for byte; a test holds the two together.
"""

from __future__ import annotations

import json

HEAD_FORMAT = "wego-art17-log-head/1"
LEAF_FORMAT = 1
# The fields of a signed tree head that the signature covers, in this order of meaning.
HEAD_FIELDS = ("format", "key_id", "log", "root_hash", "timestamp", "tree_size")


def canonical(value) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8 (not escaped): one byte string per value."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def signed_message(head: dict) -> bytes:
    """The bytes an Ed25519 head signature covers: the format line, then the head's fields."""
    body = {name: head[name] for name in HEAD_FIELDS}
    return HEAD_FORMAT.encode("ascii") + b"\n" + canonical(body)


def leaf_bytes(kind: str, logged_at: str, payload: dict) -> bytes:
    """A leaf: the fact's fields plus its kind, the format and when the city logged it."""
    return canonical({**payload, "v": LEAF_FORMAT, "type": kind, "logged_at": logged_at})

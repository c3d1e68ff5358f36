"""The transparency log read back: its tree, its signed heads, proofs, and the full check.

The write side (appending leaves, signing heads, the mirror files) is
`compliance.services.translog`; `manage.py verify_log` and `/health/` run `check_log()`.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from . import log_keys
from .models import LogHead, LogKey, LogLeaf
from .rules import logformat, merkle


def leaf_hashes(size=None) -> list[bytes]:
    rows = LogLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)
    if size is not None:
        rows = rows.filter(index__lt=size)
    return [bytes.fromhex(h) for h in rows]


def tree_size() -> int:
    return LogLeaf.objects.count()


def latest_head() -> LogHead | None:
    return LogHead.objects.order_by("-tree_size", "-timestamp", "-pk").first()


def head_dict(head: LogHead) -> dict:
    return json.loads(head.body)


def public_keys() -> dict:
    """{key_id: Ed25519PublicKey} of every key that signed heads here."""
    return {k.key_id: log_keys.load_public(k.public_pem) for k in LogKey.objects.all()}


def signature_ok(head: dict, keys: dict) -> bool:
    key = keys.get(head.get("key_id"))
    try:
        message = logformat.signed_message(head)
    except (KeyError, TypeError):
        return False
    return key is not None and log_keys.verifies(key, message, head.get("signature", ""))


def inclusion(index: int, size: int, hashes=None) -> dict:
    hashes = leaf_hashes(size) if hashes is None else hashes
    return {
        "leaf_index": index,
        "tree_size": size,
        "inclusion_path": [h.hex() for h in merkle.inclusion_proof(hashes, index, size)],
    }


def consistency(first: int, second: int, hashes=None) -> dict:
    hashes = leaf_hashes(second) if hashes is None else hashes
    return {
        "first": first,
        "second": second,
        "consistency_path": [h.hex() for h in merkle.consistency_proof(hashes, first, second)],
    }


def published_files(directory=None) -> list[tuple[Path, dict | None]]:
    """Every head file in the mirror directory (None for one that is not JSON)."""
    directory = Path(directory or settings.WEGO_LOG_DIR) / "heads"
    found = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            found.append((path, json.loads(path.read_text("utf-8"))))
        except (OSError, ValueError):
            found.append((path, None))
    return found


def check_log(directory=None) -> dict:
    """Everything the log promises, checked: {"tree_size", "heads", "problems": [sentences]}.

    * every leaf's hash is SHA-256(0x00 || leaf), indices run 0..n-1 without a gap;
    * every signed head (database and mirror files) verifies with a known key and its
      root is the head of the first `tree_size` leaves as they are now; so every head is
      consistent with every earlier one (each pair is also checked with an RFC 9162
      consistency proof);
    * every key rotation leaf is signed by the key it retires.
    """
    problems = []
    leaves = list(LogLeaf.objects.order_by("index").values_list("index", "leaf", "leaf_hash", "kind"))
    hashes = []
    for position, (index, text, stored, kind) in enumerate(leaves):
        if index != position:
            problems.append(f"leaf {position} is missing (the next leaf is {index}): leaves were deleted")
            break
        actual = merkle.leaf_hash(text.encode("utf-8")).hex()
        if actual != stored:
            problems.append(f"leaf {index} does not hash to its recorded leaf hash (it was edited)")
        hashes.append(bytes.fromhex(stored))
        if kind == LogLeaf.Kind.KEY_ROTATION:
            problems += _rotation_problems(index, text)
    keys = public_keys()
    heads = [(f"head #{h.pk} ({h.tree_size})", head_dict(h)) for h in LogHead.objects.order_by("tree_size", "pk")]
    for path, data in published_files(directory):
        if data is None:
            problems.append(f"the published head {path.name} cannot be read")
        else:
            heads.append((f"published head {path.name}", data))
    sizes = {d.get("tree_size") for _n, d in heads if isinstance(d.get("tree_size"), int)}
    roots = merkle.roots_at(hashes, [s for s in sizes if s <= len(hashes)])
    checked = []
    for name, data in heads:
        if not signature_ok(data, keys):
            problems.append(f"{name}: the signature does not verify with any of the log's keys")
            continue
        size = data["tree_size"]
        if size > len(hashes):
            problems.append(f"{name} covers {size} leaves but the log now holds {len(hashes)}: leaves were deleted")
            continue
        if roots[size].hex() != data["root_hash"]:
            problems.append(
                f"{name}: its root is not the root of the first {size} leaves as they are now "
                "(history was rewritten: this head is not consistent with the log)"
            )
            continue
        checked.append((size, bytes.fromhex(data["root_hash"])))
    checked = sorted(set(checked))
    for (first, first_root), (second, second_root) in zip(checked, checked[1:], strict=False):
        if first == 0 or first == second:
            continue
        proof = merkle.consistency_proof(hashes, first, second)
        if not merkle.verify_consistency(first, second, first_root, second_root, proof):
            problems.append(f"the head of {second} leaves is not consistent with the head of {first}")
    return {"tree_size": len(hashes), "heads": len(heads), "problems": problems}


def _rotation_problems(index, text):
    data = json.loads(text)
    try:
        old = log_keys.load_public(data["old_public_key"])
        message = rotation_message(data["old_key_id"], data["new_key_id"], data["new_public_key"])
    except (KeyError, ValueError, TypeError):
        return [f"leaf {index}: the key rotation cannot be read"]
    if log_keys.key_id(old) != data["old_key_id"] or not log_keys.verifies(old, message, data.get("old_signature", "")):
        return [f"leaf {index}: the key rotation is not signed by the key it retires"]
    return []


def rotation_message(old_key_id: str, new_key_id: str, new_public_pem: str) -> bytes:
    """What the retiring key signs to hand over to the next one."""
    return logformat.canonical(
        {"format": "wego-art17-log-rotation/1", "old": old_key_id, "new": new_key_id, "new_public_key": new_public_pem}
    )

"""The proof a packet (and the annual report) carries: the log's signed head, an inclusion
proof for every receipt, forwarding, committee report and extension it states, the hashes
of its documents and the offline verifier, embedded as `log-head.json`, `log-proofs.json`
and `verify_packet.py` (`compliance.pdf.merge` for packets, `compliance.pdf.report`).

Anyone can then check the packet with `python verify_packet.py packet.pdf --key
public_key.pem` and nothing else: no network, no database, no trust in this server.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from .. import log_heads
from ..models import CommitteeReport, Extension, ForwardingItem, LogLeaf
from ..rules import logformat, merkle

PROOFS_FORMAT = "wego-art17-packet-proofs/1"
VERIFIER = Path(__file__).resolve().parent.parent / "verifier" / "verify_packet.py"


def choose_originals(files) -> None:
    """Keep the original bytes of appended PDFs to embed (so a verifier can hash them),
    up to WEGO_PACKET_ORIGINALS_MAX_BYTES in all; larger ones are listed by hash only."""
    budget = settings.WEGO_PACKET_ORIGINALS_MAX_BYTES
    for entry in files:
        if entry.disposition == "appended" and entry.size and entry.size <= budget:
            entry.original_embedded = True
            budget -= entry.size


def refs_for(doc_ids, as_of, items=None, extensions=()) -> list[str]:
    """The log's records a document states: the receipts of `doc_ids`, the forwardings
    (on or before `as_of`) naming them or any of `items` (forwarded items), the committee
    reports naming them, the receipts those forwardings and reports name, and `extensions`."""
    doc_ids = set(doc_ids)
    named_items = ForwardingItem.objects.filter(forwarding__forwarded_on__lte=as_of, document_id__in=doc_ids)
    if items is not None:
        named_items = named_items | items
    forwardings = sorted(set(named_items.values_list("forwarding_id", flat=True)))
    reports = sorted(
        set(CommitteeReport.objects.filter(documents__in=doc_ids, reported_on__lte=as_of).values_list("pk", flat=True))
    )
    # The documents those forwardings and reports name (a later revision forwarded in
    # place of an earlier version): their receipts say which version supersedes which.
    named = set(ForwardingItem.objects.filter(forwarding_id__in=forwardings).values_list("document_id", flat=True))
    named |= set(
        CommitteeReport.documents.through.objects.filter(committeereport_id__in=reports).values_list(
            "document_id", flat=True
        )
    )
    documents = sorted(doc_ids | {d for d in named if d})
    return (
        [f"document:{d}" for d in documents]
        + [f"forwarding:{f}" for f in forwardings]
        + [f"report:{r}" for r in reports]
        + [f"extension:{e}" for e in sorted(extensions)]
    )


def extensions_of(keys) -> list[int]:
    """The agreed extensions behind the extended due dates of the duties `keys` (the
    latest active one of each, as the register reads them)."""
    keys = set(keys)
    return [e.pk for e in Extension.objects.latest_active_by_key(keys).values()] if keys else []


def _refs(content) -> list[str]:
    unmatched = ForwardingItem.objects.filter(pk__in=[i.pk for i in content.unmatched_items])
    return refs_for(
        {d.pk for d in content.documents},
        content.request.as_of,
        unmatched,
        extensions_of(o.key for o, _trail in content.records if o.extended_due_date),
    )


def packet_proofs(content, manifest_digest: str) -> dict[str, bytes]:
    """The attachments that prove the packet ({} when the log has no signed head yet)."""
    return proof_files(_refs(content), manifest_digest, content.files)


def proof_files(refs, manifest_digest: str, files=()) -> dict[str, bytes]:
    """`log-head.json`, `log-proofs.json` (an inclusion proof of the newest leaf of each of
    `refs` and the hashes of `files`) and `verify_packet.py`; {} without a signed head."""
    head = log_heads.latest_head()
    if head is None:
        return {}
    size = head.tree_size
    newest = {}
    for leaf in LogLeaf.objects.filter(ref__in=refs, index__lt=size).order_by("index"):
        newest[leaf.ref] = leaf
    leaves = sorted(newest.values(), key=lambda leaf: leaf.index)
    paths = merkle.inclusion_proofs(log_heads.leaf_hashes(size), [leaf.index for leaf in leaves], size)
    entries = [
        {
            "index": leaf.index,
            "kind": leaf.kind,
            "ref": leaf.ref,
            "leaf": leaf.leaf,
            "inclusion_path": [h.hex() for h in paths[leaf.index]],
        }
        for leaf in leaves
    ]
    listed = [
        {
            "number": e.number,
            "document": e.document.pk,
            "name": e.file.original_name,
            "sha256": e.file.sha256,
            "disposition": e.disposition,
            "attachment": e.attachment_name if _embedded(e) else None,
        }
        for e in files
    ]
    proofs = {
        "format": PROOFS_FORMAT,
        "tree_size": size,
        "root_hash": head.root_hash,
        "manifest_sha256": manifest_digest,
        "not_logged": [ref for ref in refs if ref not in newest],
        "entries": entries,
        "files": listed,
    }
    return {
        "log-head.json": head.body.encode("utf-8"),
        "log-proofs.json": logformat.canonical(proofs),
        "verify_packet.py": VERIFIER.read_bytes(),
    }


def _embedded(entry) -> bool:
    if entry.disposition == "appended":
        return bool(getattr(entry, "original_embedded", False))
    return entry.disposition in ("attached", "encrypted", "corrupt") and bool(entry.attachment_name and entry.embedded)


def head_summary(attachments: dict) -> dict | None:
    """What the cover says about the head the packet is proved against."""
    if not attachments:
        return None
    head = json.loads(attachments["log-head.json"])
    return {"tree_size": head["tree_size"], "root_hash": head["root_hash"], "key_id": head["key_id"]}


def verify_url() -> str:
    """The page with the public key and how to verify, linked from covers."""
    return settings.WEGO_SITE_URL.rstrip("/") + "/public/log/verify/"

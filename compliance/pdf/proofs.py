"""The proof a packet carries: the log's signed head, an inclusion proof for every receipt,
forwarding and committee report the packet states, the hashes of its documents and the
offline verifier, embedded as `log-head.json`, `log-proofs.json` and `verify_packet.py`.

Anyone can then check the packet with `python verify_packet.py packet.pdf --key
public_key.pem` and nothing else: no network, no database, no trust in this server.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from .. import log_heads
from ..models import CommitteeReport, ForwardingItem, LogLeaf
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


def _refs(content) -> list[str]:
    doc_ids = {d.pk for d in content.documents}
    as_of = content.request.as_of
    items = ForwardingItem.objects.filter(forwarding__forwarded_on__lte=as_of).filter(
        document_id__in=doc_ids
    ) | ForwardingItem.objects.filter(pk__in=[i.pk for i in content.unmatched_items])
    forwardings = sorted({i.forwarding_id for i in items})
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
    )


def packet_proofs(content, manifest_digest: str) -> dict[str, bytes]:
    """The attachments that prove the packet ({} when the log has no signed head yet)."""
    head = log_heads.latest_head()
    if head is None:
        return {}
    size = head.tree_size
    refs = _refs(content)
    newest = {}
    for leaf in LogLeaf.objects.filter(ref__in=refs, index__lt=size).order_by("index"):
        newest[leaf.ref] = leaf
    hashes = log_heads.leaf_hashes(size)
    entries = [
        {
            "index": leaf.index,
            "kind": leaf.kind,
            "ref": leaf.ref,
            "leaf": leaf.leaf,
            "inclusion_path": [h.hex() for h in merkle.inclusion_proof(hashes, leaf.index, size)],
        }
        for leaf in sorted(newest.values(), key=lambda leaf: leaf.index)
    ]
    files = [
        {
            "number": e.number,
            "document": e.document.pk,
            "name": e.file.original_name,
            "sha256": e.file.sha256,
            "disposition": e.disposition,
            "attachment": e.attachment_name if _embedded(e) else None,
        }
        for e in content.files
    ]
    proofs = {
        "format": PROOFS_FORMAT,
        "tree_size": size,
        "root_hash": head.root_hash,
        "manifest_sha256": manifest_digest,
        "not_logged": [ref for ref in refs if ref not in newest],
        "entries": entries,
        "files": files,
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

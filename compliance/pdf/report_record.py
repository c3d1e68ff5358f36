"""What the annual report rests on, stated so that anyone can check it offline.

The report's figures count every duty of its fiscal years as of its day; those duties
rest on the receipts of the documents of those years, the forwardings and committee
reports of them (and forwarded items with no receipt on record) and the agreed
extensions of their due dates. The report's manifest states each such receipt
(`manifest.document_entry`) and, for each duty it lists, its trail of dates
(`manifest.trail_entry`), the same record a packet carries; the proofs attached to the
report (`proofs.proof_files`) hold the log's leaf of each, so the offline verifier
compares the dates stated with the dates logged, not only the proofs.
"""

from __future__ import annotations

from ..models import Document, ForwardingItem, StoredObligation
from . import proofs
from .manifest import document_entry, trail_entry


def _years(rows, req, field="fiscal_year"):
    if req.from_fy is not None:
        rows = rows.filter(**{f"{field}__gte": req.from_fy})
    if req.to_fy is not None:
        rows = rows.filter(**{f"{field}__lte": req.to_fy})
    return rows


def documents(req) -> list:
    """The documents of the report's fiscal years received on or before its day."""
    rows = Document.objects.filter(submission__received_on__lte=req.as_of).select_related("submission")
    return list(_years(rows, req).order_by("submission__received_on", "pk"))


def unmatched_items(req):
    """Forwarded items of the report's fiscal years with no receipt on record."""
    rows = ForwardingItem.objects.filter(forwarding__forwarded_on__lte=req.as_of, document__isnull=True)
    return _years(rows, req)


def extensions(req, items) -> list[int]:
    """The agreed extensions behind the duties counted and listed (one per duty at most)."""
    keys = set(_years(StoredObligation.objects.filter(extended_to__isnull=False), req).values_list("key", flat=True))
    keys |= {o.key for o in items if o.extended_due_date}
    return proofs.extensions_of(keys)


def record(reg, req, items) -> tuple[list[dict], dict[str, list[dict]], list[str]]:
    """(documents stated, {duty key: its trail}, the log's records to prove)."""
    docs = documents(req)
    trails = {key: [trail_entry(row) for row in rows] for key, rows in reg.trails(items, req.as_of).items()}
    refs = proofs.refs_for({d.pk for d in docs}, req.as_of, unmatched_items(req), extensions(req, items))
    return [document_entry(d) for d in docs], trails, refs

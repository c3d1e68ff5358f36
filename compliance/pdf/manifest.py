"""The packet manifest: a canonical JSON of every input, whose SHA-256 is printed on the
provenance page. The same data gives the same hash, whoever builds it and whenever."""

from __future__ import annotations

import json
import logging

from .content import PacketContent

logger = logging.getLogger(__name__)


def _day(value):
    return value.isoformat() if value else None


def document_entry(d) -> dict:
    """A received document as the record states it (the offline verifier compares its
    receipt date and number, kind and fiscal year with the log's receipt)."""
    return {
        "id": d.pk,
        "title": d.title,
        "kind": d.kind,
        "fiscal_year": d.fiscal_year,
        "received_on": _day(d.submission.received_on),
        "receipt_number": d.submission.receipt_number,
        "supersedes": d.supersedes_id,
    }


def trail_entry(row) -> dict:
    """One row of a duty's trail (`register.trail`): the dates the verifier checks
    against the log's forwardings and committee reports."""
    return {
        "document_id": row["doc"].id,
        "received_on": _day(row["doc"].received_on),
        "forwarded_on": _day(row["forwarding"].forwarded_on) if row["forwarding"] else None,
        "reported_on": _day(row["report"].reported_on) if row["report"] else None,
        "to_council_business_days": row["to_council_business_days"],
        "to_committee_business_days": row["to_committee_business_days"],
    }


def manifest(content: PacketContent) -> dict:
    """Every input of the packet as plain JSON values, in a fixed order."""
    req = content.request
    return {
        "format": "wego-art17-packet/1",
        "request": req.as_manifest(),
        "law": [
            {"citation": p.citation, "version": p.version_label, "text_ko": p.text_ko, "text_en": p.text_en}
            for p in content.provisions
        ],
        "committee": content.committee.name_ko if content.committee else None,
        "obligations": [
            {
                **o.as_json(),
                "key": o.key,
                "reasons": [r.reason for r in o.reasons],
                "trail": [trail_entry(row) for row in trail],
            }
            for o, trail in content.records
        ],
        "documents": [document_entry(d) for d in content.documents],
        "unmatched_forwarded_items": [
            {"forwarded_on": _day(i.forwarding.forwarded_on), "description": i.description, "kind": i.kind}
            for i in content.unmatched_items
        ],
        "files": [e.as_manifest() for e in content.files],
        "evaluations": [
            {
                "fiscal_year": e.fiscal_year,
                "evaluated_on": _day(e.evaluated_on),
                "outcome": e.outcome,
                "summary": e.summary,
            }
            for e in content.evaluations
        ],
        "funding": content.funding,
        "reviews": [t.as_manifest() for t in content.reviews],
    }


def manifest_bytes(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

"""What each leaf of the transparency log states, built from the records; and the check
that the log still says what the records hold (`manage.py log_records`).

One builder per kind of fact. A leaf is the builder's payload plus its kind, the format
and when it was logged (`compliance.rules.logformat.leaf_bytes`). A record changed
afterwards (an administrator's correction) is logged again by the service that changed
it; the newest leaf of a record (`ref`) is the one compared and proved.
"""

from __future__ import annotations

import json

from .models import (
    CommitteeReport,
    Document,
    Extension,
    Forwarding,
    LogLeaf,
    Provision,
    RecordCoverage,
    ReviewOutcome,
)


def _day(value):
    return value.isoformat() if value else None


def receipt_payload(doc) -> dict:
    """A received document: what the Mayor received, when, under which receipt number."""
    sub = doc.submission
    return {
        "document": doc.pk,
        "submission": sub.pk,
        "receipt_number": sub.receipt_number,
        "received_on": _day(sub.received_on),
        "kind": doc.kind,
        "fiscal_year": doc.fiscal_year,
        "supersedes": doc.supersedes_id,
        "files": sorted(f.sha256 for f in doc.files.all()),
    }


def forwarding_payload(forwarding) -> dict:
    items = sorted(forwarding.items.all(), key=lambda i: i.pk)
    return {
        "forwarding": forwarding.pk,
        "forwarded_on": _day(forwarding.forwarded_on),
        "document_number": forwarding.document_number,
        "documents": sorted(i.document_id for i in items if i.document_id),
        "items": [{"document": i.document_id, "kind": i.kind, "fiscal_year": i.fiscal_year} for i in items],
    }


def report_payload(report) -> dict:
    return {
        "report": report.pk,
        "reported_on": _day(report.reported_on),
        "committee": report.committee.code,
        "documents": sorted(d.pk for d in report.documents.all()),
    }


def extension_payload(extension) -> dict:
    """An agreed extension: which duty's deadline moved to which day, on whose grant, and
    whether (and when) it was withdrawn; a withdrawal is logged again as a newer leaf."""
    return {
        "extension": extension.pk,
        "obligation_key": extension.obligation_key,
        "extended_to": _day(extension.extended_to),
        "granted_on": _day(extension.granted_on),
        "granted_by": extension.granted_by,
        "basis": extension.basis,
        "document": extension.document_id,
        "recorded_on": _day(extension.recorded_on),
        "withdrawn_on": _day(extension.withdrawn_on),
    }


def coverage_payload(coverage) -> dict:
    return {
        "coverage": coverage.pk,
        "stream": coverage.stream,
        "starts_on": _day(coverage.starts_on),
        "ends_on": _day(coverage.ends_on),
    }


def provision_payload(provision) -> dict:
    import hashlib

    return {
        "provision": provision.pk,
        "citation": provision.citation,
        "version": provision.version_label,
        "proposed": provision.is_proposed,
        "effective_from": _day(provision.effective_from),
        "effective_to": _day(provision.effective_to),
        "text_ko_sha256": hashlib.sha256(provision.text_ko.encode("utf-8")).hexdigest(),
    }


def review_payload(outcome) -> dict:
    return {
        "outcome": outcome.pk,
        "document": outcome.document_id,
        "decision": outcome.decision,
        "target_date": _day(outcome.target_date),
        "recorded_at": outcome.created_at.isoformat(),
    }


# kind -> (ref prefix, model's rows with what the builder reads, builder)
KINDS = {
    LogLeaf.Kind.RECEIPT: (
        "document",
        lambda: Document.objects.select_related("submission").prefetch_related("files"),
        receipt_payload,
    ),
    LogLeaf.Kind.FORWARDING: ("forwarding", lambda: Forwarding.objects.prefetch_related("items"), forwarding_payload),
    LogLeaf.Kind.COMMITTEE_REPORT: (
        "report",
        lambda: CommitteeReport.objects.select_related("committee").prefetch_related("documents"),
        report_payload,
    ),
    LogLeaf.Kind.EXTENSION: ("extension", lambda: Extension.objects.all(), extension_payload),
    LogLeaf.Kind.COVERAGE: ("coverage", lambda: RecordCoverage.objects.all(), coverage_payload),
    LogLeaf.Kind.PROVISION: ("provision", lambda: Provision.objects.select_related("instrument"), provision_payload),
    LogLeaf.Kind.REVIEW_OUTCOME: ("review", lambda: ReviewOutcome.objects.all(), review_payload),
}


def payload_of(kind, obj):
    return KINDS[kind][2](obj)


def ref_of(kind, obj) -> str:
    return f"{KINDS[kind][0]}:{obj.pk}"


def stated(leaf_text: str) -> dict:
    """The fact a leaf states, without the log's own fields."""
    data = json.loads(leaf_text)
    for name in ("v", "type", "logged_at"):
        data.pop(name, None)
    return data


def newest_leaves(kind=None) -> dict[str, LogLeaf]:
    """The newest leaf of each record (`ref`)."""
    rows = LogLeaf.objects.exclude(ref="").order_by("index")
    if kind:
        rows = rows.filter(kind=kind)
    return {leaf.ref: leaf for leaf in rows}


def compare_with_records() -> dict:
    """Each record against its newest leaf: {"checked": n, "missing": [refs], "differ": [(ref, field, log, record)]}."""
    leaves = newest_leaves()
    missing, differ, checked = [], [], 0
    for kind, (_prefix, rows, build) in KINDS.items():
        for obj in rows():
            ref = ref_of(kind, obj)
            checked += 1
            leaf = leaves.get(ref)
            if leaf is None:
                missing.append(ref)
                continue
            logged, now = stated(leaf.leaf), build(obj)
            for name in sorted(set(logged) | set(now)):
                if logged.get(name) != now.get(name):
                    differ.append((ref, name, logged.get(name), now.get(name)))
    return {"checked": checked, "missing": missing, "differ": differ}

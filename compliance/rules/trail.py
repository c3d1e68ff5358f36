"""The trail of one obligation's documents: when each was forwarded and reported, and
the delay at each hop (WeGO → Mayor → Council → committee). Pure."""

from __future__ import annotations

from .coverage import FORWARDINGS
from .history import EventIndex, _successors
from .status import records_end_of


def _trail_indexes(history, as_of):
    """Forwardings and reports by lineage, and the lineages, as of a day (kept on `history`)."""
    memo = history.__dict__.setdefault("_trail_indexes", {})
    found = memo.get(as_of)
    if found is None:
        forwardings = sorted((f for f in history.forwardings if f.forwarded_on <= as_of), key=lambda f: f.forwarded_on)
        reports = sorted((r for r in history.reports if r.reported_on <= as_of), key=lambda r: r.reported_on)
        found = (
            EventIndex((f.forwarded_on, f) for f in forwardings),
            EventIndex((r.reported_on, r) for r in reports),
            _successors([d for d in history.documents if d.received_on <= as_of]),
        )
        if len(memo) >= 16:
            memo.clear()
        memo[as_of] = found
    return found


def trail_documents(obligation, history, as_of):
    """The received documents an obligation's trail shows, in receipt order."""
    if obligation.document is not None and obligation.spec.is_event_driven:
        docs = [obligation.document]
    else:
        kinds = set(obligation.spec.document_kinds)
        docs = [
            d
            for d in history.documents
            if d.fiscal_year == obligation.fiscal_year and d.kind in kinds and d.received_on <= as_of
        ]
    docs.sort(key=lambda d: (d.received_on, d.id))
    return docs


def trail_row(doc, history, as_of):
    """One document of a trail: when it was forwarded and reported, and the delays."""
    cal = history.calendar
    forwarded, reported, lineage = _trail_indexes(history, as_of)
    ids = lineage[doc.id]
    fwd = forwarded.first(ids, doc.received_on)[1]
    rep = None
    if fwd:
        rep = reported.first(ids, fwd.forwarded_on)[1]
    # Not forwarded: how long it has waited, as far as the forwarding records reach. Where
    # they end before `as_of`, the count stops on their last day (`waiting_until`); where
    # they end before the receipt, nothing is known (None).
    waiting, waiting_until = None, None
    if not fwd:
        spans = history.coverage.spans(FORWARDINGS, as_of) if history.coverage is not None else None
        waiting_until = records_end_of(spans, doc.received_on, as_of)
        if waiting_until is None:
            waiting = cal.business_days_between(doc.received_on, as_of)
        elif waiting_until >= doc.received_on:
            waiting = cal.business_days_between(doc.received_on, waiting_until)
    return {
        "doc": doc,
        "forwarding": fwd,
        "forwarded_via_newer": fwd is not None and doc.id not in fwd.doc_ids,
        "to_council_business_days": cal.business_days_between(doc.received_on, fwd.forwarded_on) if fwd else None,
        "waiting_business_days": waiting,
        "waiting_until": waiting_until,
        "report": rep,
        "to_committee_business_days": cal.business_days_between(fwd.forwarded_on, rep.reported_on) if rep else None,
    }


def document_trail(obligation, history, as_of):
    """Each relevant received document and the delay at each hop: WeGO → Mayor → Council
    → committee. Delays to the Council and committee are in business days."""
    return [trail_row(doc, history, as_of) for doc in trail_documents(obligation, history, as_of)]

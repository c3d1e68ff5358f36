"""The trail of one obligation: each relevant received document and the delay at each
hop, read a page at a time; and the forwardings and reports that name documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..rules.trail import trail_row
from .keep import lineage_ids
from .records import doc_recs, forward_recs, report_recs


class Trail(Sequence):
    """The rows of an obligation's trail: counted with one query, and worked out for the
    slice a page reads (its documents' lineages, forwardings and reports), never for
    every document of the fiscal year."""

    def __init__(self, obligation, as_of, register):
        self._obligation = obligation
        self._as_of = as_of
        self._register = register
        self._count = None
        self._rows = {}

    def _documents(self):
        from ..models import Document

        ob = self._obligation
        if ob.document is not None and ob.spec.is_event_driven:
            return Document.objects.filter(pk=ob.document.id)
        return Document.objects.filter(
            fiscal_year=ob.fiscal_year,
            kind__in=list(ob.spec.document_kinds),
            submission__received_on__lte=self._as_of,
        ).order_by("submission__received_on", "id")

    def __len__(self):
        if self._count is None:
            self._count = self._documents().count()
        return self._count

    def count(self, value=None):  # Paginator asks `count()`; Sequence.count(value) counts a value
        return len(self) if value is None else super().count(value)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            missing = [i for i in range(start, stop) if i not in self._rows]
            if missing:
                self._work_out(missing[0], missing[-1] + 1)
            return [self._rows[i] for i in range(start, stop, step)]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index not in self._rows:
            self._work_out(index, index + 1)
        return self._rows[index]

    def _work_out(self, start, stop):
        from ..labels import document_kind_label

        docs = doc_recs(self._documents()[start:stop])
        ids = {d.id for d in docs}
        lineage = lineage_ids(ids) | ids
        history = self._register.history.history(
            documents=doc_recs(_docs(lineage)), forwardings=forward_recs(lineage), reports=report_recs(lineage)
        )
        for offset, doc in enumerate(docs):
            row = trail_row(doc, history, self._as_of)
            row["kind_label"] = document_kind_label(doc.kind)
            self._rows[start + offset] = row


def trails_of(obligations, as_of, register) -> dict[str, list[dict]]:
    """{key: every row of its trail} for many duties at once (the annual report's record):
    one history over all their documents' lineages instead of one per duty. A history
    holding more documents gives each row the same forwarding and report."""
    from ..labels import document_kind_label

    per_duty = {o.key: doc_recs(Trail(o, as_of, register)._documents()) for o in obligations}
    ids = {d.id for docs in per_duty.values() for d in docs}
    lineage = lineage_ids(ids) | ids
    history = register.history.history(
        documents=doc_recs(_docs(lineage)), forwardings=forward_recs(lineage), reports=report_recs(lineage)
    )
    found = {}
    for key, docs in per_duty.items():
        found[key] = [trail_row(doc, history, as_of) | {"kind_label": document_kind_label(doc.kind)} for doc in docs]
    return found


def _docs(ids):
    from ..models import Document

    return Document.objects.filter(pk__in=list(ids)).order_by()


def forwardings_of(doc_ids) -> dict[int, list]:
    """{document id: the forwardings to the Council naming it, oldest first} for the
    documents that have any (one entry per forwarding item)."""
    found = defaultdict(list)
    ids = set(doc_ids)
    for f in sorted(forward_recs(ids), key=lambda f: (f.forwarded_on, f.id)):
        for doc_id in f.doc_ids:
            if doc_id in ids:
                found[doc_id].append(f)
    return dict(found)


def reports_of(doc_ids) -> dict[int, list]:
    """{document id: the reports to the committee naming it, oldest first}."""
    found = defaultdict(list)
    ids = set(doc_ids)
    for r in sorted(report_recs(ids), key=lambda r: (r.reported_on, r.id)):
        for doc_id in r.doc_ids:
            if doc_id in ids:
                found[doc_id].append(r)
    return dict(found)

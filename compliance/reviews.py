"""Reading the review loop: a document's lineage, its thread, and its review state.

Derived, never stored (like an obligation's status): the state of a lineage follows
from its outcomes and from the versions received after the latest one.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Document, ForwardingItem, ReviewComment, ReviewOutcome


class ReviewState:
    AWAITING = "awaiting_review"
    REVISION_REQUESTED = "revision_requested"
    REVISED = "revised"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    # Shown, not a state of the loop: forwarded to the Council with no review on record
    # (history entered afterwards), which must not read "awaiting review" for ever.
    FORWARDED_UNREVIEWED = "forwarded_unreviewed"
    LABELS = {
        FORWARDED_UNREVIEWED: _("No review recorded — forwarded to the Council"),
        AWAITING: _("Awaiting review"),
        REVISION_REQUESTED: _("Revision requested"),
        REVISED: _("Revised version received — awaiting review"),
        ACCEPTED: _("Review complete"),
        RETURNED: _("Returned"),
    }


def _children(documents_by_pk):
    children = defaultdict(list)
    for d in documents_by_pk.values():
        if d.supersedes_id:
            children[d.supersedes_id].append(d)
    return children


def lineage_of(documents_by_pk, doc, children=None):
    """The versions linked to `doc` by `supersedes` (its whole tree), oldest first.

    `children` (supersedes id -> documents) may be passed when the same documents serve
    many lineages, so it is built once."""
    if children is None:
        children = _children(documents_by_pk)
    root, seen = doc, {doc.pk}
    while root.supersedes_id in documents_by_pk and root.supersedes_id not in seen:
        root = documents_by_pk[root.supersedes_id]
        seen.add(root.pk)
    found, stack = {root.pk: root}, [root]
    while stack:
        for child in children[stack.pop().pk]:
            if child.pk not in found:
                found[child.pk] = child
                stack.append(child)
    return sorted(found.values(), key=lambda d: (d.submission.received_on, d.pk))


def lineage_documents(pks):
    """The documents of every lineage that one of `pks` belongs to, in one query.

    A recursive query walks `supersedes` up from the given documents to their roots and
    back down to every descendant, so a page reads its lineages (a few versions each),
    not every document of their fiscal years (thousands, with years of data). The ORM has
    no recursive queries; this is the standard SQL that PostgreSQL and SQLite both run,
    used as a subquery so the rows are still ORM rows."""
    pks = sorted({int(pk) for pk in pks})
    if not pks:
        return Document.objects.none()
    table = connection.ops.quote_name(Document._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    # UNION (not UNION ALL) drops rows already found, so a cycle cannot loop forever.
    sql = f"""
        WITH RECURSIVE up(id, supersedes_id) AS (
            SELECT id, supersedes_id FROM {table} WHERE id IN ({placeholders})
            UNION
            SELECT d.id, d.supersedes_id FROM {table} d JOIN up ON d.id = up.supersedes_id
        ), down(id) AS (
            SELECT id FROM up
            UNION
            SELECT d.id FROM {table} d JOIN down ON d.supersedes_id = down.id
        )
        SELECT id FROM down"""
    return Document.objects.filter(pk__in=RawSQL(sql, pks))


def lineage(doc):
    """`lineage_of` for one document (one query)."""
    peers = {d.pk: d for d in lineage_documents([doc.pk]).select_related("submission")}
    peers.setdefault(doc.pk, doc)
    return lineage_of(peers, doc)


def received_at(doc):
    """When a version arrived: the receipt time, or the start of the receipt day in Seoul."""
    sub = doc.submission
    if sub.received_at:
        return sub.received_at
    return timezone.make_aware(datetime.datetime.combine(sub.received_on, datetime.time.min))


@dataclass
class ThreadItem:
    kind: str  # received / outcome / comment / forwarded
    at: datetime.datetime | None
    day: datetime.date
    document: Document
    obj: object = None

    @property
    def sort_key(self):
        # Forwardings carry only a date: they sort at the end of their day.
        at = self.at or timezone.make_aware(datetime.datetime.combine(self.day, datetime.time.max))
        return (at, {"received": 0, "outcome": 1, "comment": 1, "forwarded": 2}[self.kind])


@dataclass
class Thread:
    versions: list
    items: list
    outcomes: list
    comments: list

    @property
    def latest(self):
        return self.versions[-1]

    @property
    def last_outcome(self):
        return self.outcomes[-1] if self.outcomes else None

    @property
    def state(self):
        last = self.last_outcome
        if last is None:
            return ReviewState.AWAITING
        newer = [v for v in self.versions if received_at(v) > last.created_at and v.pk != last.document_id]
        if newer:
            return (
                ReviewState.REVISED
                if last.decision == ReviewOutcome.Decision.REVISION_REQUESTED
                else ReviewState.AWAITING
            )
        return last.decision

    @property
    def state_label(self):
        return ReviewState.LABELS[self.state]

    @property
    def shown_state(self):
        """`state` as pages show it: a version awaiting review that has already gone to the
        Council with no review on record is no longer waiting for one."""
        latest = self.latest.pk
        if self.state == ReviewState.AWAITING and any(
            i.kind == "forwarded" and i.document.pk == latest for i in self.items
        ):
            return ReviewState.FORWARDED_UNREVIEWED
        return self.state

    @property
    def shown_label(self):
        return ReviewState.LABELS[self.shown_state]

    def as_of(self, day):
        """The thread as it stood at the end of `day` (Seoul): for packets, which are "as of" a date."""
        versions = [v for v in self.versions if v.submission.received_on <= day]
        if not versions:
            return None
        ids = {v.pk for v in versions}
        return Thread(
            versions=versions,
            items=[i for i in self.items if i.day <= day and i.document.pk in ids],
            outcomes=[o for o in self.outcomes if timezone.localdate(o.created_at) <= day],
            comments=[c for c in self.comments if timezone.localdate(c.created_at) <= day],
        )

    def as_manifest(self):
        """Plain JSON values for a packet's manifest, in a fixed order."""

        def item(i):
            row = {"kind": i.kind, "document_id": i.document.pk, "day": i.day.isoformat()}
            if i.kind == "outcome":
                o = i.obj
                row.update(
                    at=o.created_at.isoformat(),
                    decision=o.decision,
                    target_date=o.target_date.isoformat() if o.target_date else None,
                    text=o.message,
                    by=o.recorded_by.get_username(),
                    role=o.recorded_by_role,
                )
            elif i.kind == "comment":
                c = i.obj
                row.update(at=c.created_at.isoformat(), text=c.body, by=c.author.get_username(), role=c.author_role)
            elif i.kind == "forwarded":
                row.update(forwarding_id=i.obj.id)
            return row

        return {"versions": [v.pk for v in self.versions], "state": self.state, "items": [item(i) for i in self.items]}

    @property
    def open_request(self):
        """The revision request WeGO still has to answer, if any."""
        last = self.last_outcome
        if last and self.state == ReviewState.REVISION_REQUESTED:
            return last
        return None


def threads_for(documents, lineage_ids=None):
    """{document pk: Thread} for every document given (and its lineage), in 4 queries.

    `lineage_ids` (optional, e.g. `Register.lineage_ids`) names the versions of the
    documents' lineages; without it a recursive query finds them (`lineage_documents`).
    Both read the same rows."""
    documents = list(documents)
    if not documents:
        return {}
    peers = _peers([d.pk for d in documents], lineage_ids)
    for doc in documents:
        peers.setdefault(doc.pk, doc)
    return _threads_of(documents, peers)


def _peers(pks, lineage_ids=None):
    """{pk: Document} of every version in the lineages of `pks` (one query)."""
    found = Document.objects.filter(pk__in=lineage_ids(pks)) if lineage_ids else lineage_documents(pks)
    return {d.pk: d for d in found.select_related("submission", "submission__submitted_by")}


def _threads_of(documents, peers):
    """The threads of `documents` from their lineages' rows (`peers`), in 3 queries; a
    page whose lineages have no outcome or no comment skips reading that table."""
    children = _children(peers)
    lineages = {doc.pk: lineage_of(peers, doc, children) for doc in documents}
    ids = {v.pk for versions in lineages.values() for v in versions}
    any_outcome, any_comment = _review_activity(ids)
    outcomes = defaultdict(list)
    if any_outcome:
        for o in (
            ReviewOutcome.objects.filter(document_id__in=ids).select_related("recorded_by").order_by("created_at", "pk")
        ):
            outcomes[o.document_id].append(o)
    comments = defaultdict(list)
    if any_comment:
        for c in (
            ReviewComment.objects.filter(document_id__in=ids).select_related("author").order_by("created_at", "pk")
        ):
            comments[c.document_id].append(c)
    forwarded = defaultdict(list)
    for item in ForwardingItem.objects.filter(document_id__in=ids).select_related("forwarding"):
        forwarded[item.document_id].append(item.forwarding)
    result, built = {}, {}
    for doc in documents:
        versions = lineages[doc.pk]
        key = versions[0].pk
        if key not in built:
            built[key] = _thread(versions, peers, outcomes, comments, forwarded)
        result[doc.pk] = built[key]
    return result


def _review_activity(ids):
    """(any outcome?, any comment?) on the documents `ids`, in one query."""
    ids = sorted(ids)
    if not ids:
        return False, False
    marks = ", ".join(["%s"] * len(ids))
    exists = []
    for model in (ReviewOutcome, ReviewComment):
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field("document").column)
        exists.append(f"EXISTS (SELECT 1 FROM {table} WHERE {column} IN ({marks}))")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(exists)}", ids * len(exists))
        any_outcome, any_comment = cursor.fetchone()
    return bool(any_outcome), bool(any_comment)


def thread(doc):
    return threads_for([doc])[doc.pk]


def _thread(versions, peers, outcomes, comments, forwarded):
    by_id = {v.pk: v for v in versions}
    items = []
    for v in versions:
        items.append(ThreadItem("received", received_at(v), v.submission.received_on, v))
        for o in outcomes[v.pk]:
            items.append(ThreadItem("outcome", o.created_at, timezone.localdate(o.created_at), v, o))
        for c in comments[v.pk]:
            items.append(ThreadItem("comment", c.created_at, timezone.localdate(c.created_at), v, c))
        seen = set()
        for f in forwarded[v.pk]:
            if f.id not in seen:
                seen.add(f.id)
                items.append(ThreadItem("forwarded", None, f.forwarded_on, v, f))
    items.sort(key=lambda i: i.sort_key)
    all_outcomes = sorted((o for v in by_id for o in outcomes[v]), key=lambda o: (o.created_at, o.pk))
    all_comments = sorted((c for v in by_id for c in comments[v]), key=lambda c: (c.created_at, c.pk))
    return Thread(versions=versions, items=items, outcomes=all_outcomes, comments=all_comments)


def distinct_threads(document_ids, lineage_ids=None):
    """The threads of these documents, one per lineage, in the order first met."""
    document_ids = list(document_ids)
    if lineage_ids:  # the lineages' rows include the documents': one query for both
        peers = _peers(document_ids, lineage_ids)
        threads = _threads_of([peers[pk] for pk in dict.fromkeys(document_ids) if pk in peers], peers)
    else:
        threads = threads_for(Document.objects.filter(pk__in=document_ids).select_related("submission"))
    result, seen = [], set()
    for pk in document_ids:
        t = threads.get(pk)
        if t is not None and t.versions[0].pk not in seen:
            seen.add(t.versions[0].pk)
            result.append(t)
    return result

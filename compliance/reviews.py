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

THREADS_KEPT = 5000  # threads without outcomes or comments a register keeps
PAGES_KEPT = 500  # pages' threads a register keeps under one display version


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


def threads_for(documents, lineage_ids=None, *, register=None, display_version=None):
    """{document pk: Thread} for every document given (and its lineage), in 4 queries.

    `lineage_ids` (optional: `Register.lineage_ids` of the register the page has loaded
    anyway) names the versions of the documents' lineages from memory; without it a
    recursive query finds them (`lineage_documents`). Both read the same rows.

    With `register` (the register the page has loaded) the lineages, the versions not
    among `documents` and the forwardings come from it (`_from_register`): the outcomes
    and comments are the only queries. With the `display_version` read with that
    register's data version as well (`register.load_with_display_version()`), the
    threads are kept under it: a page viewed again before any write asks nothing."""
    documents = list(documents)
    if not documents:
        return {}
    if register is not None:
        memo = _display_memo(register, display_version)
        key = ("threads_for", tuple(d.pk for d in documents))
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = _from_register(documents, register)
            if memo is not None:
                memo[key] = found
        return dict(found)
    peers = _peers([d.pk for d in documents], lineage_ids)
    for doc in documents:
        peers.setdefault(doc.pk, doc)
    return _threads_of(documents, peers)


def _display_memo(register, display_version):
    """The threads built under `display_version`, kept with the register (None without a
    display version). Every write to a review table, a document or a submission changes
    the display version (database triggers, migration 0023), so none is kept past one."""
    if not display_version:
        return None
    memo = register.kept("review_pages", limit=PAGES_KEPT)
    if memo.get("version") != display_version:
        memo.clear()
        memo["version"] = display_version
    return memo


def _from_register(documents, register):
    """`threads_for` with what the register knows: the lineages (`lineage_ids`), the rows
    of versions not given (`document_rows`, read once per data version) and the
    forwardings (`forwardings_of`). The same threads as the queries give
    (tests/test_register_cache.py); `item.obj` of a forwarding is then the register's
    record of it (id, forwarded_on, document_number)."""
    peers = {doc.pk: doc for doc in documents}
    ids = register.lineage_ids(list(peers))
    peers.update(register.document_rows([i for i in ids if i not in peers]))
    return _threads_of(documents, peers, register)


def _peers(pks, lineage_ids=None):
    """{pk: Document} of every version in the lineages of `pks` (one query)."""
    found = Document.objects.filter(pk__in=lineage_ids(pks)) if lineage_ids else lineage_documents(pks)
    return {d.pk: d for d in found.select_related("submission", "submission__submitted_by")}


def _threads_of(documents, peers, register=None):
    """The threads of `documents` from their lineages' rows (`peers`), in 3 queries.

    With `register`: the forwardings come from it, a page asks first whether its
    lineages have any outcome or comment (one query) and reads only the tables that have
    some, and the thread of a lineage with neither, which follows from register data
    alone, is built once per data version (`Register.kept`)."""
    children = _children(peers)
    lineages = {doc.pk: lineage_of(peers, doc, children) for doc in documents}
    ids = {v.pk for versions in lineages.values() for v in versions}
    any_outcome, any_comment = _review_activity(ids) if register is not None else (True, True)
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
    if register is not None:
        forwarded.update(register.forwardings_of(ids))
        quiet = register.kept("review_threads", limit=THREADS_KEPT)
    else:
        for item in ForwardingItem.objects.filter(document_id__in=ids).select_related("forwarding"):
            forwarded[item.document_id].append(item.forwarding)
        quiet = None
    result, built = {}, {}
    for doc in documents:
        versions = lineages[doc.pk]
        key = versions[0].pk
        if key not in built:
            if quiet is None or any(outcomes.get(v.pk) or comments.get(v.pk) for v in versions):
                built[key] = _thread(versions, peers, outcomes, comments, forwarded)
            else:  # no outcome, no comment: the same thread until the data changes
                found = quiet.get(key)
                if found is None or [v.pk for v in found.versions] != [v.pk for v in versions]:
                    found = quiet[key] = _thread(versions, peers, outcomes, comments, forwarded)
                built[key] = found
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
        for f in forwarded[v.pk]:  # Forwarding rows, or the register's records of them
            if f.id not in seen:
                seen.add(f.id)
                items.append(ThreadItem("forwarded", None, f.forwarded_on, v, f))
    items.sort(key=lambda i: i.sort_key)
    all_outcomes = sorted((o for v in by_id for o in outcomes[v]), key=lambda o: (o.created_at, o.pk))
    all_comments = sorted((c for v in by_id for c in comments[v]), key=lambda c: (c.created_at, c.pk))
    return Thread(versions=versions, items=items, outcomes=all_outcomes, comments=all_comments)


def distinct_threads(document_ids, lineage_ids=None, *, register=None, display_version=None):
    """The threads of these documents, one per lineage, in the order first met.

    With `register` (and `display_version`), as `threads_for` with them."""
    document_ids = list(document_ids)
    memo = _display_memo(register, display_version) if register is not None else None
    key = ("distinct_threads", tuple(document_ids))
    if memo is not None and key in memo:
        return list(memo[key])
    if register is not None:
        peers = register.document_rows(register.lineage_ids(document_ids))
        given = [peers[pk] for pk in dict.fromkeys(document_ids) if pk in peers]
        threads = _threads_of(given, peers, register) if given else {}
    elif lineage_ids:  # the lineages' rows include the documents': one query for both
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
    if memo is not None:
        memo[key] = result
        return list(result)
    return result

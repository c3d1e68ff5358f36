"""Keeping the stored register current: in the transaction of the write that changes it.

The writes reach the register through the model signals of the rows they save (every
`do_*` service, the admin, fixtures through `loaddata`), so a write refreshes what it
can touch, and only that:

- a document, its receipt, a forwarding or a committee report: the duties of the
  document's lineage (its `supersedes` tree) and the fiscal-year duties of its year;
- a holiday or a council session: the duties whose dates it can move (by date range);
- a duty rule or a provision version: everything (rare, and an administrator's act).

Coverage and delay reasons need no refresh: statuses read them when they are asked for.

Bulk writers (imports) collect their changes in `batch()` and refresh once at its end;
code that writes with `QuerySet.update()` or `bulk_create` outside one says what it
changed (`changed()`) or calls `rebuild()`. A refresh runs inside the caller's
transaction, so a rollback takes it back with the write. The cost of a refresh follows
the size of its scope, never the size of the history.
"""

from __future__ import annotations

import datetime
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..rules.coverage import stream_for
from ..rules.obligations import FISCAL_YEAR_ANCHORS, derive
from .records import Law, doc_recs, extensions_for, forward_recs, load_history, report_recs

# Past this many documents in one scope, a rebuild is as cheap as a scoped refresh.
REBUILD_ABOVE = 2000
# How far before a holiday or a session a trigger may lie and still have its date moved
# by it: a grace of business days spans at most a few weeks; the "next session" of a
# report can be many months away.
HOLIDAY_REACH = datetime.timedelta(days=90)
SESSION_REACH = datetime.timedelta(days=400)
FIELDS = (
    "rule_id",
    "duty",
    "party",
    "ordering",
    "fiscal_year",
    "event_driven",
    "provision_ids",
    "document_id",
    "trigger_date",
    "due_date",
    "submit_by",
    "provisional",
    "window_start",
    "stream",
    "fulfilled_on",
    "fulfilled_by",
    "fulfilled_kind",
    "fulfilled_id",
    "extended_to",
    "extended_from",
    "extension_basis",
)


def last_fiscal_year(today: datetime.date | None = None) -> int:
    """The last fiscal year stored: a year beyond what `generate` shows on `today`
    (`as_of.year + 2`), so the register holds tomorrow's view too; `extend_register`
    (daily) adds the next year as the years go by."""
    return (today or timezone.localdate()).year + 3


@dataclass
class Scope:
    doc_ids: set = field(default_factory=set)
    fiscal_years: set = field(default_factory=set)
    ranges: list = field(default_factory=list)  # (first trigger day, last trigger day)
    everything: bool = False

    def __bool__(self):
        return bool(self.doc_ids or self.fiscal_years or self.ranges or self.everything)

    def add(self, other: Scope):
        self.doc_ids |= other.doc_ids
        self.fiscal_years |= other.fiscal_years
        self.ranges += other.ranges
        self.everything = self.everything or other.everything


# --- Applying a scope -------------------------------------------------------------------


def row_of(facts) -> dict:
    rule = facts.rule
    return {
        "rule_id": rule.id,
        "duty": rule.code,
        "party": rule.row.actor.code if rule.row is not None else "",
        "ordering": rule.ordering,
        "fiscal_year": facts.fiscal_year,
        "event_driven": rule.is_event_driven,
        "provision_ids": sorted(p.id for p in facts.in_force),
        "document_id": facts.document.id if facts.document else None,
        "trigger_date": facts.trigger,
        "due_date": facts.deadline.due,
        "submit_by": facts.deadline.submit_by,
        "provisional": facts.deadline.provisional,
        "window_start": facts.window_start,
        "stream": stream_for(rule.anchor),
        "fulfilled_on": facts.fulfilled_on,
        "fulfilled_by": (facts.fulfilled_by or "")[:300],
        "fulfilled_kind": facts.fulfilled_kind,
        "fulfilled_id": facts.fulfilled_id,
        "extended_to": None,
        "extended_from": None,
        "extension_basis": "",
    }


def _write(wanted: dict[str, dict], existing_rows) -> int:
    """Make the stored rows of a scope (`existing_rows`, a queryset) equal `wanted`
    (key -> fields): insert, update and delete only what differs. Returns rows changed."""
    from ..models import StoredObligation

    existing = {row["key"]: row for row in existing_rows.values("id", "key", *FIELDS)}
    create, update = [], []
    for key, fields in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            create.append(StoredObligation(key=key, **fields))
        elif any(row[name] != value for name, value in fields.items()):
            update.append(StoredObligation(id=row["id"], key=key, **fields))
    if existing:
        StoredObligation.objects.filter(id__in=[row["id"] for row in existing.values()]).delete()
    if create:
        StoredObligation.objects.bulk_create(create, batch_size=1000)
    if update:
        StoredObligation.objects.bulk_update(update, FIELDS, batch_size=1000)
    return len(create) + len(update) + len(existing)


def _with_extensions(wanted: dict[str, dict]) -> dict[str, dict]:
    for key, (day, basis, agreed_on) in extensions_for(wanted.keys()).items():
        if key in wanted:
            wanted[key]["extended_to"] = day
            wanted[key]["extended_from"] = agreed_on
            wanted[key]["extension_basis"] = (basis or "")[:300]
    return wanted


def rebuild(today: datetime.date | None = None) -> int:
    """Recompute every stored obligation from the events (`manage.py rebuild_register`)."""
    from ..models import StoredObligation

    history = load_history()
    wanted = {f.key: row_of(f) for f in derive(history, last_fiscal_year(today))}
    return _write(_with_extensions(wanted), StoredObligation.objects.all())


def extend(today: datetime.date | None = None) -> int:
    """Store the fiscal years that come into view as the years go by (run daily): the
    fiscal-year duties from this year through `last_fiscal_year`."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return refresh(Scope(fiscal_years=set(range(today.year, last_fiscal_year(today) + 1))), today)


def lineage_ids(doc_ids) -> set[int]:
    """The ids of every version in the lineages (`supersedes` trees) of `doc_ids`.

    Written out: a recursive query, which the ORM cannot say."""
    from ..models import Document

    ids = sorted({int(i) for i in doc_ids})
    if not ids:
        return set()
    table = connection.ops.quote_name(Document._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    if connection.vendor == "postgresql":
        # Each step looks its few documents up by index (LATERAL, OFFSET 0 so that it is
        # not flattened into a join): joined, PostgreSQL hashed every document of the
        # table at each step, and the lookup grew with the whole table.
        up_step = f"SELECT d.id, d.supersedes_id FROM up CROSS JOIN LATERAL (SELECT id, supersedes_id FROM {table} WHERE id = up.supersedes_id OFFSET 0) d"
        down_step = f"SELECT d.id FROM down CROSS JOIN LATERAL (SELECT id FROM {table} WHERE supersedes_id = down.id OFFSET 0) d"
    else:  # SQLite (the demo) has no LATERAL; it looks each step up by index anyway
        up_step = f"SELECT d.id, d.supersedes_id FROM {table} d JOIN up ON d.id = up.supersedes_id"
        down_step = f"SELECT d.id FROM {table} d JOIN down ON d.supersedes_id = down.id"
    sql = f"""
        WITH RECURSIVE up(id, supersedes_id) AS (
            SELECT id, supersedes_id FROM {table} WHERE id IN ({marks})
            UNION {up_step}
        ), down(id) AS (
            SELECT id FROM up WHERE supersedes_id IS NULL
            UNION {down_step}
        )
        SELECT id FROM down UNION SELECT id FROM up
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return {row[0] for row in cursor.fetchall()}


def _first_documents(fiscal_years, rules):
    """The first document received of each (fiscal year, kind) the fiscal-year duties
    count: what fulfils them, one indexed query per pair."""
    from ..models import Document

    kinds = {kind for r in rules if r.anchor in FISCAL_YEAR_ANCHORS for kind in r.document_kinds}
    found = []
    for fy in sorted(fiscal_years):
        for kind in sorted(kinds):
            first = (
                Document.objects.filter(fiscal_year=fy, kind=kind)
                .order_by("submission__received_on", "id")
                .values_list("id", flat=True)[:1]
            )
            found.extend(first)
    return found


def refresh(scope: Scope, today: datetime.date | None = None) -> int:
    """Bring the stored rows of `scope` in line with the events (see the module docstring)."""
    from ..models import Document, StoredObligation

    if not scope:
        return 0
    if scope.everything:
        return rebuild(today)
    doc_ids = set(scope.doc_ids)
    fiscal_years = set(scope.fiscal_years)
    for first, last in scope.ranges:
        touched = StoredObligation.objects.filter(trigger_date__gte=first, trigger_date__lte=last, event_driven=True)
        doc_ids |= set(touched.values_list("document_id", flat=True))
        # A provisional date waits for the next session, however far off it is entered.
        doc_ids |= set(StoredObligation.objects.filter(provisional=True).values_list("document_id", flat=True))
        fiscal_years |= set(range(first.year - 1, last.year + 2))
    lineage = lineage_ids(doc_ids)
    if len(lineage) > REBUILD_ABOVE:
        return rebuild(today)
    context = Law.load()
    docs = doc_recs(Document.objects.filter(pk__in=lineage).order_by()) if lineage else []
    fiscal_years |= {d.fiscal_year for d in docs}
    firsts = set(_first_documents(fiscal_years, context.rules)) - lineage
    if firsts:
        docs += doc_recs(Document.objects.filter(pk__in=firsts).order_by())
    history = context.history(
        documents=docs,
        forwardings=forward_recs(lineage) if lineage else [],
        reports=report_recs(lineage) if lineage else [],
    )
    facts = derive(history, last_fiscal_year(today), fiscal_years=fiscal_years, event_documents=lineage)
    wanted = _with_extensions({f.key: row_of(f) for f in facts})
    from django.db.models import Q

    existing = StoredObligation.objects.filter(
        Q(event_driven=True, document_id__in=lineage) | Q(event_driven=False, fiscal_year__in=fiscal_years)
    )
    return _write(wanted, existing)


# --- Collecting what a write touches -----------------------------------------------------

_local = threading.local()


def _pending() -> Scope | None:
    return getattr(_local, "pending", None)


@contextmanager
def batch():
    """Refresh once, as the block ends, for every change its writes make (an import)
    instead of once per row. Nested blocks join the outermost. Nothing is refreshed when
    the block fails or its transaction is set to roll back."""
    outer = _pending()
    if outer is not None:
        yield outer
        return
    scope = _local.pending = Scope()
    try:
        with transaction.atomic():
            yield scope
            _local.pending = None
            if scope and not connection.needs_rollback:
                refresh(scope)
    finally:
        _local.pending = None


def apply(scope: Scope):
    """Refresh `scope` now, or at the end of the enclosing `batch()`."""
    pending = _pending()
    if pending is not None:
        pending.add(scope)
    elif scope:
        with transaction.atomic():
            refresh(scope)


def changed(instances):
    """Say what a bulk write (bulk_create, QuerySet.update) changed, as signals would:
    receipts by one query for their documents, other rows by what they name."""
    from .. import models as m

    scope = Scope()
    submissions = []
    for instance in instances:
        if isinstance(instance, m.Submission):
            submissions.append(instance.pk)
        else:
            scope.add(scope_of(instance))
    if submissions:
        scope.doc_ids |= set(m.Document.objects.filter(submission_id__in=submissions).values_list("pk", flat=True))
    apply(scope)


def scope_of_key(key: str) -> Scope:
    """The scope of one obligation, from its key (`<duty>-<fy>` or `<duty>-<fy>-d<document id>`)."""
    head, _, doc = key.rpartition("-d")
    if doc.isdigit() and head:
        return Scope(doc_ids={int(doc)})
    year = key.rsplit("-", 1)[-1]
    return Scope(fiscal_years={int(year)}) if year.isdigit() else Scope()


def scope_of(instance) -> Scope:
    """What a saved or deleted row of a source model can touch."""
    from .. import models as m

    if isinstance(instance, m.Document):
        ids = {instance.pk} | ({instance.supersedes_id} if instance.supersedes_id else set())
        return Scope(doc_ids=ids, fiscal_years={instance.fiscal_year})
    if isinstance(instance, m.Submission):
        return Scope(doc_ids=set(m.Document.objects.filter(submission_id=instance.pk).values_list("pk", flat=True)))
    if isinstance(instance, m.ForwardingItem):
        return Scope(doc_ids={instance.document_id} if instance.document_id else set())
    if isinstance(instance, m.Forwarding):
        items = m.ForwardingItem.objects.filter(forwarding_id=instance.pk, document__isnull=False)
        return Scope(doc_ids=set(items.values_list("document_id", flat=True)))
    if isinstance(instance, m.CommitteeReport):
        return Scope(doc_ids=set(instance.documents.values_list("pk", flat=True)) if instance.pk else set())
    if isinstance(instance, m.Extension):
        return scope_of_key(instance.obligation_key)
    if isinstance(instance, m.HolidayOverride):
        return Scope(ranges=[(instance.date - HOLIDAY_REACH, instance.date)])
    if isinstance(instance, m.CouncilSession):
        return Scope(ranges=[(instance.starts_on - SESSION_REACH, instance.ends_on)])
    return Scope(everything=True)  # rules, provisions, parties: an administrator's act

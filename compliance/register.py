"""The register: the one read model of obligations.

Every page, alert, digest, packet, export, feed and command asks the register; none
reloads the history or searches it on its own. `Register.load()` reads what the pure
rules need in a constant number of queries (however many years of data there are),
then answers from memory:

- `obligations(as_of, what_if=False, what_if_from=None)`: every obligation known on a day;
- `get(key, as_of, ...)`: one obligation by its key (None if there is none);
- `trail(obligation, as_of)`: each relevant document and the delay at each hop;
- `law_in_force(day, ...)`: the Article 17 provision versions in force on a day;
- `bills()`: proposed versions that have no effective date (not law);
- `committee_on(day)`: the competent standing committee on a day;
- `lineage_ids(doc_ids)`: the versions of those documents' lineages (review threads);
- `forwardings_of(doc_ids)`, `reports_of(doc_ids)`: the forwardings and committee reports
  that name each document;
- `document_rows(doc_ids)`: those documents' model rows (with their submission).

Answers for one (as_of, what_if, what_if_from) are memoised on the instance, so a task
that sends a wave of e-mails computes the obligations once, not once per e-mail.

`load()` returns the register cached in this process for the current **data version**
(one query), loading it only after a write changed that version; `Register.load()`
always reads afresh. `load_with_display_version()` reads the display version with it, in
the same query, for pages that keep what they draw from other tables under it. Both give the same answers (tests/test_register_cache.py).
"""

from __future__ import annotations

import contextvars
import datetime
import threading
import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .rules import law
from .rules.calendar import Step, calendar_from_overrides
from .rules.coverage import Coverage, CoverageRec
from .rules.deadlines import session_label
from .rules.obligations import (
    DocRec,
    ForwardRec,
    History,
    Obligation,
    ReportRec,
    RuleRec,
    generate,
    trail_documents,
    trail_row,
)

ARTICLE = "17"
DOCUMENT_ROWS_KEPT = 5000  # model rows a register keeps (`document_rows`); more start afresh


def _receipt_order(d):
    return (d.received_on, d.id)


def _received_on(d):
    return d.received_on


def provision_rec(p) -> law.ProvisionRec:
    return law.ProvisionRec(
        id=p.pk,
        instrument_id=p.instrument_id,
        article=p.article,
        paragraph=p.paragraph,
        version_label=p.version_label,
        is_proposed=p.is_proposed,
        effective_from=p.effective_from,
        effective_to=p.effective_to,
        duties_arise_on=p.duties_arise_on,
        row=p,
    )


def rule_rec(rule, provision_ids) -> RuleRec:
    return RuleRec(
        id=rule.pk,
        code=rule.code,
        anchor=rule.anchor,
        direction=rule.direction,
        offset_months=rule.offset_months,
        anchor_month=rule.anchor_month,
        anchor_year_offset=rule.anchor_year_offset,
        holiday_rule=rule.holiday_rule,
        grace_business_days=rule.grace_business_days,
        report_timing=rule.report_timing,
        report_month=rule.report_month,
        report_day=rule.report_day,
        document_kinds=tuple(rule.document_kinds or ()),
        provision_ids=frozenset(provision_ids),
        ordering=rule.ordering,
        actor_kind=rule.actor.kind,
        name_ko=rule.name_ko,
        name_en=rule.name_en,
        row=rule,
    )


def load_history(tracking_start: datetime.date | None = None) -> History:
    """Read rules and events into plain records, in a constant number of queries."""
    from .models import (
        CommitteeReport,
        CouncilSession,
        DelayReason,
        Document,
        DutyRule,
        ForwardingItem,
        HolidayOverride,
        Provision,
        RecordCoverage,
    )

    provisions = [provision_rec(p) for p in Provision.objects.select_related("instrument")]
    rule_provisions = defaultdict(list)
    for rule_id, provision_id in DutyRule.provisions.through.objects.values_list("dutyrule_id", "provision_id"):
        rule_provisions[rule_id].append(provision_id)
    rules = [
        rule_rec(r, rule_provisions[r.pk]) for r in DutyRule.objects.select_related("actor", "recipient").order_by()
    ]
    rules.sort(key=lambda r: (r.ordering, r.code))
    documents = [
        DocRec(
            id=d["id"],
            kind=d["kind"],
            fiscal_year=d["fiscal_year"],
            title=d["title"],
            received_on=d["submission__received_on"],
            supersedes_id=d["supersedes_id"],
            submission_id=d["submission_id"],
        )
        for d in Document.objects.values(
            "id", "kind", "fiscal_year", "title", "submission__received_on", "supersedes_id", "submission_id"
        )
    ]
    items = defaultdict(list)
    forward_meta = {}
    for item in ForwardingItem.objects.values(
        "forwarding_id", "forwarding__forwarded_on", "forwarding__document_number", "document_id"
    ):
        forward_meta[item["forwarding_id"]] = (item["forwarding__forwarded_on"], item["forwarding__document_number"])
        if item["document_id"]:
            items[item["forwarding_id"]].append(item["document_id"])
    forwardings = [
        ForwardRec(id=fid, forwarded_on=day, document_number=number, doc_ids=tuple(items[fid]))
        for fid, (day, number) in forward_meta.items()
    ]
    report_docs = defaultdict(list)
    report_meta = {}
    for row in CommitteeReport.documents.through.objects.values(
        "committeereport_id", "document_id", "committeereport__reported_on", "committeereport__committee__name_ko"
    ):
        report_meta[row["committeereport_id"]] = (
            row["committeereport__reported_on"],
            row["committeereport__committee__name_ko"],
        )
        report_docs[row["committeereport_id"]].append(row["document_id"])
    reports = [
        ReportRec(id=rid, reported_on=day, doc_ids=tuple(report_docs[rid]), label=f"{name} {day.isoformat()}")
        for rid, (day, name) in report_meta.items()
    ]
    sessions = [(s.starts_on, s.ends_on, session_label(s.number, s.kind)) for s in CouncilSession.objects.all()]
    reasons = defaultdict(list)
    for reason in DelayReason.objects.all():
        reasons[reason.obligation_key].append(reason)
    calendar = calendar_from_overrides(HolidayOverride.objects.values_list("date", "kind", "name_ko", "name_en"))
    coverage = Coverage.of(
        CoverageRec(stream=stream, starts_on=starts_on, ends_on=ends_on, source=source)
        for stream, starts_on, ends_on, source in RecordCoverage.objects.values_list(
            "stream", "starts_on", "ends_on", "source"
        )
    )
    return History(
        rules=rules,
        provisions=provisions,
        documents=documents,
        forwardings=forwardings,
        reports=reports,
        sessions=sessions,
        reasons=dict(reasons),
        calendar=calendar,
        tracking_start=tracking_start or settings.WEGO_TRACKING_START,
        coverage=coverage,
    )


class Trail(Sequence):
    """The rows of `document_trail`, each worked out when first read."""

    def __init__(self, documents, history, as_of, memo=None):
        self._documents = documents
        self._history = history
        self._as_of = as_of
        self._rows = {}
        self._memo = {} if memo is None else memo  # document id -> row, for this as_of

    def __len__(self):
        return len(self._documents)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if index not in self._rows:
            doc = self._documents[index]
            row = self._memo.get(doc.id)
            if row is None:  # the label is lazy: it reads in each request's language
                from .labels import document_kind_label

                row = trail_row(doc, self._history, self._as_of)
                row["kind_label"] = document_kind_label(doc.kind)
                self._memo[doc.id] = row
            self._rows[index] = dict(row)
        return self._rows[index]


class Register:
    """Obligations and the law, read once from the database; see the module docstring."""

    def __init__(self, history: History, due_soon_days: int = 30, horizon_days: int = 366):
        self.history = history
        self.due_soon_days = due_soon_days
        self.horizon_days = horizon_days
        self._answers: dict[tuple, list[Obligation]] = {}
        self._by_key: dict[tuple, dict[str, Obligation]] = {}
        self._derived: dict[tuple, object] = {}
        self._committees = None
        self._lineages = None
        self._by_year_kind = None
        self._events_by_document = None
        self._rows: dict = {}
        self._rows_by_day: dict = {}
        self._kept: dict = {}

    @classmethod
    def load(cls, tracking_start: datetime.date | None = None) -> Register:
        """A register read afresh from the database (`load()` reuses a cached one)."""
        return cls(
            load_history(tracking_start),
            due_soon_days=settings.WEGO_DUE_SOON_DAYS,
            horizon_days=settings.WEGO_HORIZON_DAYS,
        )

    @property
    def calendar(self):
        return self.history.calendar

    @property
    def tracking_start(self) -> datetime.date:
        return self.history.tracking_start

    @staticmethod
    def what_if_from(what_if: bool, what_if_from: datetime.date | None = None) -> datetime.date | None:
        """The day from which the bill is assumed in force: the one given, else today (Seoul)."""
        if not what_if:
            return None
        return what_if_from or timezone.localdate()

    def obligations(
        self, as_of: datetime.date, what_if: bool = False, what_if_from: datetime.date | None = None
    ) -> list[Obligation]:
        """Every obligation known on `as_of`, ordered by due date (a fresh list).

        In the what-if view the proposed versions are assumed in force from `what_if_from`
        (default: today); every obligation then says `what_if`.
        """
        return list(self._compute(as_of, what_if, what_if_from))

    def get(
        self, key: str, as_of: datetime.date, what_if: bool = False, what_if_from: datetime.date | None = None
    ) -> Obligation | None:
        return self.by_key(as_of, what_if, what_if_from).get(key)

    def by_key(self, as_of: datetime.date, what_if: bool = False, what_if_from=None) -> dict[str, Obligation]:
        what_if_from = self.what_if_from(what_if, what_if_from)
        memo = (as_of, what_if, what_if_from)
        found = self._by_key.get(memo)
        if found is None:
            found = {o.key: o for o in self._compute(as_of, what_if, what_if_from)}
            self._by_key[memo] = found
        return found

    def derived(self, name: str, compute, as_of: datetime.date, what_if: bool = False, what_if_from=None):
        """`compute(obligations)` memoised with that day's obligations: for pages that sort
        or count every obligation on each request. Callers must not change the result."""
        what_if_from = self.what_if_from(what_if, what_if_from)
        memo = (name, as_of, what_if, what_if_from)
        found = self._derived.get(memo)
        if found is None:
            found = compute(self._compute(as_of, what_if, what_if_from))
            self._derived[memo] = found
        return found

    def _compute(self, as_of, what_if, what_if_from):
        # Several threads may share this register (gthread workers): a race computes the
        # same answer twice, never a wrong one.
        what_if_from = self.what_if_from(what_if, what_if_from)
        memo = (as_of, what_if, what_if_from)
        found = self._answers.get(memo)
        if found is None:
            if len(self._answers) >= 16:  # a long-lived register sees a new day every day
                self._answers.clear()
                self._by_key.clear()
                self._derived.clear()
            found = generate(
                self.history,
                as_of,
                due_soon_days=self.due_soon_days,
                horizon_days=self.horizon_days,
                what_if=what_if,
                what_if_from=what_if_from,
            )
            self._answers[memo] = found
        return found

    def trail(self, obligation: Obligation, as_of: datetime.date) -> Trail:
        """Each relevant received document and the delay at each hop (business days).

        A sequence whose rows are worked out when read: a page of a long trail costs
        that page, not every document of the fiscal year.
        """
        return Trail(self._trail_documents(obligation, as_of), self.history, as_of, self._trail_rows(as_of))

    def _trail_rows(self, as_of):
        """The trail rows worked out so far for `as_of` (document id -> row): a row depends
        only on the data and the day, so each is worked out once per register."""
        memo = self._rows_by_day.get(as_of)
        if memo is None:
            if len(self._rows_by_day) >= 16:
                self._rows_by_day.clear()
            memo = self._rows_by_day[as_of] = {}
        return memo

    def _trail_documents(self, obligation, as_of):
        """`trail_documents` through an index by (fiscal year, kind) built once, instead of
        a pass over every document of every year on each request."""
        if obligation.document is not None and obligation.spec.is_event_driven:
            return trail_documents(obligation, self.history, as_of)
        if self._by_year_kind is None:
            groups = defaultdict(list)
            for d in self.history.documents:
                groups[(d.fiscal_year, d.kind)].append(d)
            self._by_year_kind = (dict(groups), {})
        by_year_kind, by_duty = self._by_year_kind
        key = (obligation.fiscal_year, frozenset(obligation.spec.document_kinds))
        docs = by_duty.get(key)
        if docs is None:  # the kinds of a duty's fiscal year, in receipt order: once per register
            docs = [d for kind in key[1] for d in by_year_kind.get((key[0], kind), ())]
            docs.sort(key=_receipt_order)
            by_duty[key] = docs
        return docs[: bisect_right(docs, as_of, key=_received_on)]

    def _events(self):
        if self._events_by_document is None:
            forwarded, reported = defaultdict(list), defaultdict(list)
            for f in sorted(self.history.forwardings, key=lambda f: (f.forwarded_on, f.id)):
                for doc_id in f.doc_ids:
                    forwarded[doc_id].append(f)
            for r in sorted(self.history.reports, key=lambda r: (r.reported_on, r.id)):
                for doc_id in r.doc_ids:
                    reported[doc_id].append(r)
            self._events_by_document = (dict(forwarded), dict(reported))
        return self._events_by_document

    def forwardings_of(self, doc_ids) -> dict[int, list[ForwardRec]]:
        """{document id: the forwardings to the Council naming it, oldest first} for the
        documents that have any: as the forwarding items name them (one entry per item)."""
        forwarded = self._events()[0]
        return {i: forwarded[i] for i in doc_ids if i in forwarded}

    def reports_of(self, doc_ids) -> dict[int, list[ReportRec]]:
        """{document id: the reports to the committee naming it, oldest first} for the
        documents that have any."""
        reported = self._events()[1]
        return {i: reported[i] for i in doc_ids if i in reported}

    def kept(self, name: str, limit: int = 5000) -> dict:
        """A dict kept with this register under `name`, for what a caller derives from the
        register's data alone (it goes when the data changes); emptied when it holds
        `limit` entries. Callers must not change what they find in it."""
        found = self._kept.get(name)
        if found is None or len(found) >= limit:
            found = self._kept[name] = {}
        return found

    def document_rows(self, doc_ids) -> dict:
        """{id: Document row, its submission selected} of the documents given that exist.

        Documents and submissions are register data, so a row read once serves every
        later page under this data version: a page reads only the rows no page read
        before it (one query, none when there are none). The rows are shared between
        requests: callers must not change them."""
        from .models import Document

        rows = self._rows
        missing = {i for i in doc_ids if i not in rows}
        if missing:
            if len(rows) + len(missing) > DOCUMENT_ROWS_KEPT:
                rows = self._rows = {}
                missing = set(doc_ids)
            for doc in Document.objects.filter(pk__in=missing).select_related("submission").order_by():
                rows[doc.pk] = doc
        return {i: rows[i] for i in doc_ids if i in rows}

    def lineage_ids(self, doc_ids) -> set[int]:
        """The ids of every version in the lineages (`supersedes` trees) of `doc_ids`.

        For `compliance.reviews`, which needs a page's lineages: from the documents this
        register holds anyway, instead of a query over the whole document table. Ids the
        register does not know are returned as they are."""
        if self._lineages is None:
            parent = {d.id: d.supersedes_id for d in self.history.documents}
            children = defaultdict(list)
            for child, above in parent.items():
                if above:
                    children[above].append(child)
            self._lineages = (parent, children)
        parent, children = self._lineages
        found = set()
        for doc_id in doc_ids:
            root, seen = doc_id, {doc_id}
            while parent.get(root) in parent and parent[root] not in seen:
                root = parent[root]
                seen.add(root)
            if root in found:  # its whole tree is in already
                found.add(doc_id)
                continue
            stack = [root]
            found.add(root)
            while stack:
                for child in children[stack.pop()]:
                    if child not in found:
                        found.add(child)
                        stack.append(child)
            found.add(doc_id)
        return found

    def law_in_force(
        self,
        day: datetime.date,
        what_if: bool = False,
        what_if_from: datetime.date | None = None,
        article: str | None = ARTICLE,
    ):
        """The provision versions (model rows) of `article` in force on `day`."""
        versions = self.history.provisions
        among = [p for p in versions if article is None or p.article == article]
        chosen = law.in_force(versions, day, what_if, self.what_if_from(what_if, what_if_from), among=among)
        return [p.row for p in chosen]

    def bills(self, article: str | None = ARTICLE):
        """Proposed versions without an effective date: bills, never law."""
        return [p.row for p in self.history.provisions if p.is_bill and (article is None or p.article == article)]

    def committee_on(self, day: datetime.date):
        """The competent standing committee on `day` (committees change names and remits)."""
        if self._committees is None:
            from .models import Party

            self._committees = list(Party.objects.filter(kind=Party.Kind.COMMITTEE, is_competent_committee=True))
        for c in self._committees:
            if (c.effective_from is None or c.effective_from <= day) and (
                c.effective_to is None or day <= c.effective_to
            ):
                return c
        return None


# --- The cache: one register per process and data version ----------------------------
#
# A register depends only on the data (and three settings); statuses depend on "as of"
# too and are memoised per day on the register itself. Every write to a table the
# register reads changes the data version in the same transaction: model signals catch
# save(), delete() and m2m changes (services, admin, fixtures); code that writes with
# bulk_create/update/QuerySet.update calls `data_changed()`. Readers ask for the token
# (one query) and reuse the register loaded under it, or load and keep a new one.

_lock = threading.Lock()
_cached: dict = {}


def source_models():
    """The models `load_history` (and `committee_on`) read."""
    from . import models as m

    return [
        m.LegalInstrument,
        m.Provision,
        m.Party,
        m.DutyRule,
        m.DutyRule.provisions.through,
        m.Submission,
        m.Document,
        m.Forwarding,
        m.ForwardingItem,
        m.CommitteeReport,
        m.CommitteeReport.documents.through,
        m.CouncilSession,
        m.DelayReason,
        m.HolidayOverride,
        m.RecordCoverage,
    ]


_pinned_version = contextvars.ContextVar("wego_pinned_data_version", default=None)
_pinned_display = contextvars.ContextVar("wego_pinned_display_version", default=None)


def data_version():
    """The data version the current transaction sees (one query); None when unknown.

    Inside `pinned_version()` it is the token the request read first (no query). Every
    other page asks, so the query is written out: through the ORM, building the query
    took twice as long as running it."""
    pinned = _pinned_version.get()
    if pinned is not None:
        return pinned
    from .models import DataVersion

    meta = DataVersion._meta
    table, token, pk = (connection.ops.quote_name(n) for n in (meta.db_table, "token", meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {token} FROM {table} WHERE {pk} = %s", [1])
        row = cursor.fetchone()
    return row[0] if row else None


def versions():
    """(data version, display version) in one query; (None, None) when unknown.

    The display version changes with every write to a table a page may show (database
    triggers, migration 0023): the key of the pages' cached fragments. Inside
    `pinned_version(token, display)` it is the pair the request read first (no query)."""
    pinned = _pinned_display.get()
    if pinned is not None:
        return _pinned_version.get(), pinned
    from .models import DataVersion

    meta = DataVersion._meta
    table, token, display, pk = (
        connection.ops.quote_name(n) for n in (meta.db_table, "token", "display_token", meta.pk.column)
    )
    with connection.cursor() as cursor:  # written out, as in `data_version()`
        cursor.execute(f"SELECT {token}, {display} FROM {table} WHERE {pk} = %s", [1])
        row = cursor.fetchone()
    return tuple(row) if row else (None, None)


def load_with_display_version():
    """(`load()`, the display version), both versions read in one query: for a page that
    keeps what it drew from tables outside the register (review outcomes and comments)
    under the display version, which their writes change."""
    data_token, display_token = versions()
    with pinned_version(data_token):
        return load(), display_token


@contextmanager
def pinned_version(token, display=None):
    """`load()` uses `token` (and `versions()` the pair with `display`), read earlier by the
    caller in one query, for the rest of the block: a page reads its versions first,
    then its data."""
    reset = _pinned_version.set(token)
    reset_display = _pinned_display.set(display)
    try:
        yield
    finally:
        _pinned_version.reset(reset)
        _pinned_display.reset(reset_display)


_deferred = threading.local()


def data_changed(**_signal_kwargs):
    """Give the data a new version, inside the caller's transaction (a rollback undoes it)."""
    if getattr(_deferred, "depth", 0):
        _deferred.pending = True
        return
    from .models import DataVersion

    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(token=token):
        DataVersion.objects.update_or_create(pk=1, defaults={"token": token})


@contextmanager
def one_change():
    """Writes of many rows (an import) change the data version once, as the block ends,
    instead of once per row. Use it inside the writes' transaction."""
    _deferred.depth = getattr(_deferred, "depth", 0) + 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _deferred.depth -= 1
        if not _deferred.depth and getattr(_deferred, "pending", False):
            _deferred.pending = False
            # Nothing to announce when the block's writes are going to be rolled back.
            if not (connection.in_atomic_block and connection.needs_rollback):
                try:
                    data_changed()
                except DatabaseError:
                    if not failed:  # a broken transaction is rolled back anyway; else say so
                        raise


def due_date_moves(
    as_of: datetime.date, *, holidays: Sequence[tuple] | None = None, sessions: Sequence[tuple] | None = None
) -> list[tuple[Obligation, datetime.date, datetime.date]]:
    """(obligation, due date now, due date after) for each obligation whose due date a
    change would move: `holidays` replaces the override rows (date, kind, name_ko,
    name_en), `sessions` the council sessions (starts_on, ends_on, number, kind).

    Nothing is saved: the administrator sees this before saving (the admin's preview).
    """
    import dataclasses

    current = load()
    changes = {}
    if holidays is not None:
        changes["calendar"] = calendar_from_overrides(holidays)
    if sessions is not None:
        changes["sessions"] = [(s, e, session_label(n, k)) for s, e, n, k in sessions]
    proposed = Register(
        dataclasses.replace(current.history, **changes),
        due_soon_days=current.due_soon_days,
        horizon_days=current.horizon_days,
    )
    after = proposed.by_key(as_of)
    moves = []
    for key, before in current.by_key(as_of).items():
        now = after.get(key)
        if now is not None and now.due_date != before.due_date:
            moves.append((now, before.due_date, now.due_date))
    moves.sort(key=lambda m: (min(m[1], m[2]), m[0].key))
    return moves


def connect_signals():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in source_models():
        uid = f"register-{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(data_changed, sender=model, dispatch_uid=uid)
        else:
            post_save.connect(data_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(data_changed, sender=model, dispatch_uid=uid)


def load() -> Register:
    """The register for the data as it is now: reused while the data version is the same.

    Read the token first, then the data: a write committed in between leaves a register
    of newer data under an older token, which nobody asks for again.
    """
    token = data_version()
    if token is None:
        return Register.load()
    key = (token, settings.WEGO_TRACKING_START, settings.WEGO_DUE_SOON_DAYS, settings.WEGO_HORIZON_DAYS)
    cached = _cached.get(key)
    if cached is None:
        cached = Register.load()
        with _lock:
            _cached.clear()
            _cached[key] = cached
    return cached


# The work that reads obligations many times in a row (a wave of alert e-mails) used to
# ask for this by name; every reader now gets the cached register.
current = load


__all__ = ["Register", "Step", "load", "load_history"]

"""Reading the stored register: indexed queries, statuses as of a day, rows made whole
only for what is shown.

`Register` is what every page, alert, packet, export, feed and command asks. It holds
nothing between requests: each question is a query over the stored obligations (status
in SQL, `status_sql`), and the rows a caller shows become `Obligation`s with their
derivation built when read. The what-if view is computed by the pure rules on demand
(`whatif`).
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from ..rules import law as law_rules
from ..rules.history import DocRec
from ..rules.obligations import Facts, Obligation, explain, obligation_of
from .records import Law, reasons_for
from .status_sql import known_on, with_status

ARTICLE = "17"
ORDER = ("due_date", "ordering", "fiscal_year", "key")
DASHBOARD_ORDER = ("badge_rank", "due_date", "key")


class StoredDeadline:
    """A stored due date whose derivation is worked out when first read."""

    def __init__(self, due, submit_by, provisional, explain_it):
        self.due = due
        self.submit_by = submit_by
        self.provisional = provisional
        self._explain = explain_it

    @cached_property
    def _full(self):
        return self._explain()

    @property
    def steps(self):
        return self._full.steps

    def derivation(self, language: str = "ko") -> list[str]:
        return self._full.derivation(language)


class Register:
    """The one way to read obligations; see the module docstring. Cheap to make: it
    reads the small tables (rules, provisions) on first use, for one request or task."""

    def __init__(self, due_soon_days: int | None = None, horizon_days: int | None = None):
        self.due_soon_days = settings.WEGO_DUE_SOON_DAYS if due_soon_days is None else due_soon_days
        self.horizon_days = settings.WEGO_HORIZON_DAYS if horizon_days is None else horizon_days

    @cached_property
    def history(self) -> Law:
        """The small tables: rules, provisions, calendar, sessions, coverage."""
        return Law.load()

    @property
    def calendar(self):
        return self.history.calendar

    @property
    def tracking_start(self) -> datetime.date:
        return settings.WEGO_TRACKING_START

    @staticmethod
    def what_if_from(what_if: bool, what_if_from: datetime.date | None = None) -> datetime.date | None:
        """The day from which the bill is assumed in force: the one given, else today (Seoul)."""
        if not what_if:
            return None
        return what_if_from or timezone.localdate()

    # --- Queries ------------------------------------------------------------------------

    def rows(self, as_of: datetime.date):
        """The stored obligations known on `as_of`, annotated with `status`, `badge` and
        `badge_rank` as of that day: a queryset to filter, count, order and page.

        Built once per day asked and handed out as a fresh copy: building the status
        expressions costs more than cloning them, and a copy is never evaluated twice."""
        built = self._rows.get(as_of)
        if built is None:
            built = self._rows[as_of] = with_status(
                self.known(as_of), as_of, self.history.coverage, self.due_soon_days, self.agreed_after(as_of)
            )
        return built.all()

    @staticmethod
    def agreed_after(as_of: datetime.date) -> bool:
        """Whether an extension in force was agreed after `as_of` (then a status as of that
        day is judged without it). Never so of today or later: an extension is recorded on
        or after the day it was agreed, so only a past day is asked (one indexed query)."""
        from ..models import StoredObligation

        if as_of >= timezone.localdate():
            return False
        return StoredObligation.objects.filter(extended_from__gt=as_of).exists()

    @cached_property
    def _rows(self) -> dict:
        return {}

    def summary(self, as_of: datetime.date) -> list[dict]:
        """How many obligations known on `as_of` there are of each (fiscal year, duty,
        year due, status, badge): one GROUP BY, read once per Register and day. The
        dashboard's filter choices, its counts per badge and the task list's totals are
        all sums over these few hundred groups, where each was a query over every row."""
        found = self._summaries.get(as_of)
        if found is None:
            found = self._summaries[as_of] = list(
                self.rows(as_of)
                .order_by()
                .annotate(due_year=ExtractYear("due_date"))
                .values("fiscal_year", "duty", "party", "stream", "due_year", "status", "badge")
                .annotate(n=Count("pk"))
            )
        return found

    @cached_property
    def _summaries(self) -> dict:
        return {}

    def known(self, as_of: datetime.date):
        """The stored obligations known on `as_of`, without their status: for rows that
        become `Obligation`s (which judge their own status), where building the status
        expression would cost more than the query."""
        from ..models import StoredObligation

        return known_on(StoredObligation.objects.all(), as_of, self.horizon_days)

    def counts(self, rows) -> dict[str, int]:
        """{badge: how many} over `rows` (a `rows()` queryset, filtered): one GROUP BY."""
        return {r["badge"]: r["n"] for r in rows.order_by().values("badge").annotate(n=Count("pk"))}

    @staticmethod
    def first(rows, count: int) -> list:
        """The first `count` stored rows of the ordered queryset `rows` (`sliced`)."""
        return sliced(rows, slice(0, count), rows.model.objects.all())

    def materialize(self, rows, as_of: datetime.date) -> list[Obligation]:
        """`Obligation`s of stored rows (a sliced queryset or a list), in their order."""
        # The stored rows alone, then their documents in one query: joined in the same
        # query, every row in scope was joined before the sort and limit kept a page.
        rows = list(rows)
        attach_documents(rows)
        law = self.history
        keys = [r.key for r in rows]
        history = law.history(reasons=reasons_for(keys) if keys else {})
        history.extensions = {r.key: (r.extended_to, r.extension_basis, r.extended_from) for r in rows if r.extended_to}
        return [obligation_of(self._facts(r, history), history, as_of, self.due_soon_days) for r in rows]

    def _facts(self, row, history) -> Facts:
        law = self.history
        rule = law.rules_by_id[row.rule_id]
        doc = row.document
        document = None
        if doc is not None:
            document = DocRec(
                id=doc.pk,
                kind=doc.kind,
                fiscal_year=doc.fiscal_year,
                title=doc.title,
                received_on=doc.submission.received_on,
                supersedes_id=doc.supersedes_id,
                submission_id=doc.submission_id,
            )
        provisions = law.provisions_by_id
        return Facts(
            key=row.key,
            rule=rule,
            fiscal_year=row.fiscal_year,
            deadline=StoredDeadline(
                row.due_date,
                row.submit_by,
                row.provisional,
                lambda: explain(rule, row.fiscal_year, row.trigger_date, history),
            ),
            in_force=tuple(provisions[i] for i in row.provision_ids if i in provisions),
            trigger=row.trigger_date,
            document=document,
            fulfilled_on=row.fulfilled_on,
            fulfilled_by=row.fulfilled_by,
            fulfilled_kind=row.fulfilled_kind,
            fulfilled_id=row.fulfilled_id,
        )

    # --- The old questions, answered from the stored rows --------------------------------

    def obligations(
        self, as_of: datetime.date, what_if: bool = False, what_if_from: datetime.date | None = None, **filters
    ) -> list[Obligation]:
        """Every obligation known on `as_of` (narrowed by `filters` on the stored fields,
        e.g. `fiscal_year__in=`), ordered by due date. In the what-if view the proposed
        versions are assumed in force from `what_if_from` (default: today)."""
        if what_if:
            from .whatif import what_if_obligations

            found = what_if_obligations(as_of, self.what_if_from(True, what_if_from), self)
            return [o for o in found if _matches(o, filters)]
        return self.materialize(self.known(as_of).filter(**filters).order_by(*ORDER), as_of)

    def by_keys(self, keys, as_of: datetime.date) -> dict[str, Obligation]:
        keys = list(keys)
        if not keys:
            return {}
        return {o.key: o for o in self.materialize(self.known(as_of).filter(key__in=keys), as_of)}

    def get(
        self, key: str, as_of: datetime.date, what_if: bool = False, what_if_from: datetime.date | None = None
    ) -> Obligation | None:
        if what_if:
            from .whatif import what_if_obligations

            found = what_if_obligations(as_of, self.what_if_from(True, what_if_from), self, key=key)
            return next((o for o in found if o.key == key), None)
        return self.by_keys([key], as_of).get(key)

    def by_key(self, as_of: datetime.date, what_if: bool = False, what_if_from=None) -> dict[str, Obligation]:
        """Every obligation of a day by key: for a whole-register task (a packet of years,
        the alert digest), not for a page."""
        return {o.key: o for o in self.obligations(as_of, what_if, what_if_from)}

    def trail(self, obligation: Obligation, as_of: datetime.date):
        from .trails import Trail

        return Trail(obligation, as_of, self)

    def trails(self, obligations, as_of: datetime.date) -> dict[str, list[dict]]:
        """{key: its whole trail} of many duties, worked out together (`trails.trails_of`)."""
        from .trails import trails_of

        return trails_of(obligations, as_of, self)

    # --- The law and the committees (small tables) ----------------------------------------

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
        chosen = law_rules.in_force(versions, day, what_if, self.what_if_from(what_if, what_if_from), among=among)
        return [p.row for p in chosen]

    def bills(self, article: str | None = ARTICLE):
        """Proposed versions without an effective date: bills, never law."""
        return [p.row for p in self.history.provisions if p.is_bill and (article is None or p.article == article)]

    def committee_on(self, day: datetime.date):
        """The competent standing committee on `day` (committees change names and remits)."""
        return committee_on(day)

    @staticmethod
    def lineage_ids(doc_ids) -> set[int]:
        from .keep import lineage_ids

        return lineage_ids(doc_ids) | set(doc_ids)

    @staticmethod
    def document_rows(doc_ids) -> dict:
        return document_rows(doc_ids)

    @staticmethod
    def forwardings_of(doc_ids):
        from .trails import forwardings_of

        return forwardings_of(doc_ids)

    @staticmethod
    def reports_of(doc_ids):
        from .trails import reports_of

        return reports_of(doc_ids)


def _matches(obligation, filters) -> bool:
    for name, value in filters.items():
        field, _, op = name.partition("__")
        actual = getattr(obligation, "duty" if field == "duty" else field, None)
        if op == "in" and actual not in value:
            return False
        if not op and actual != value:
            return False
    return True


def committee_on(day: datetime.date):
    from ..models import Party

    for c in Party.objects.filter(kind=Party.Kind.COMMITTEE, is_competent_committee=True).order_by("pk"):
        if (c.effective_from is None or c.effective_from <= day) and (c.effective_to is None or day <= c.effective_to):
            return c
    return None


def attach_documents(rows) -> None:
    """Give stored `rows` that lack it their document (submission selected), in one query."""
    from ..models import StoredObligation

    missing = [r for r in rows if r.document_id and not StoredObligation.document.is_cached(r)]
    docs = document_rows({r.document_id for r in missing})
    for r in missing:
        r.document = docs[r.document_id]


def sliced(rows, index: slice, fetch) -> list:
    """The rows of the ordered queryset `rows` within `index`, as `fetch` (a queryset of
    the same table) gives them: their ids first, then those rows by id, in order. The sort
    over every row in scope then computes only what it sorts by, not every annotation."""
    ids = list(rows[index].values_list("pk", flat=True))
    found = {r.pk: r for r in fetch.filter(pk__in=ids)} if ids else {}
    return [found[i] for i in ids]


def document_rows(doc_ids) -> dict:
    """{id: Document row, its submission selected} of the documents given that exist."""
    from ..models import Document

    ids = list(doc_ids)
    if not ids:
        return {}
    return {d.pk: d for d in Document.objects.filter(pk__in=ids).select_related("submission").order_by()}

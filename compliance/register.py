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
- `committee_on(day)`: the competent standing committee on a day.

Answers for one (as_of, what_if, what_if_from) are memoised on the instance, so a task
that sends a wave of e-mails computes the obligations once, not once per e-mail.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from .rules import law
from .rules.calendar import Step, calendar_from_overrides
from .rules.coverage import Coverage, CoverageRec
from .rules.obligations import (
    DocRec,
    ForwardRec,
    History,
    Obligation,
    ReportRec,
    RuleRec,
    document_trail,
    generate,
)

ARTICLE = "17"


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
    sessions = [
        (s.starts_on, s.ends_on, f"제{s.number}회 {s.get_kind_display()}") for s in CouncilSession.objects.all()
    ]
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


class Register:
    """Obligations and the law, read once from the database; see the module docstring."""

    def __init__(self, history: History, due_soon_days: int = 30, horizon_days: int = 366):
        self.history = history
        self.due_soon_days = due_soon_days
        self.horizon_days = horizon_days
        self._answers: dict[tuple, list[Obligation]] = {}
        self._by_key: dict[tuple, dict[str, Obligation]] = {}
        self._committees = None

    @classmethod
    def load(cls, tracking_start: datetime.date | None = None) -> Register:
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
        what_if_from = self.what_if_from(what_if, what_if_from)
        memo = (as_of, what_if, what_if_from)
        if memo not in self._by_key:
            self._by_key[memo] = {o.key: o for o in self._compute(as_of, what_if, what_if_from)}
        return self._by_key[memo].get(key)

    def by_key(self, as_of: datetime.date, what_if: bool = False, what_if_from=None) -> dict[str, Obligation]:
        what_if_from = self.what_if_from(what_if, what_if_from)
        self.get("", as_of, what_if, what_if_from)
        return self._by_key[(as_of, what_if, what_if_from)]

    def _compute(self, as_of, what_if, what_if_from):
        what_if_from = self.what_if_from(what_if, what_if_from)
        memo = (as_of, what_if, what_if_from)
        if memo not in self._answers:
            if len(self._answers) >= 16:  # a long-lived register sees a new day every day
                self._answers.clear()
                self._by_key.clear()
            self._answers[memo] = generate(
                self.history,
                as_of,
                due_soon_days=self.due_soon_days,
                horizon_days=self.horizon_days,
                what_if=what_if,
                what_if_from=what_if_from,
            )
        return self._answers[memo]

    def trail(self, obligation: Obligation, as_of: datetime.date) -> list[dict]:
        """Each relevant received document and the delay at each hop (business days)."""
        from .labels import document_kind_label

        rows = document_trail(obligation, self.history, as_of)
        for row in rows:
            row["kind_label"] = document_kind_label(row["doc"].kind)
        return rows

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


def load() -> Register:
    """The register as the database holds it now (read afresh)."""
    return Register.load()


# The inputs of `load_history`. Every write through the app to these tables is audited, so
# the audit trail's head moves with it; counts and top ids also catch rows loaded as
# fixtures (which are not audited).
_VERSION_TABLES = (
    "compliance_provision",
    "compliance_dutyrule",
    "compliance_dutyrule_provisions",
    "compliance_document",
    "compliance_forwardingitem",
    "compliance_committeereport_documents",
    "compliance_councilsession",
    "compliance_holidayoverride",
    "compliance_delayreason",
    "compliance_party",
    "compliance_recordcoverage",
)
_current: dict = {}


def data_version() -> tuple:
    """A value that changes whenever anything the register reads changes (one query)."""
    from django.db import connection

    parts = ", ".join(f"(SELECT COUNT(*) FROM {t}), (SELECT MAX(id) FROM {t})" for t in _VERSION_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(seq) FROM compliance_auditentry), {parts}")
        return (connection.alias, *cursor.fetchone())


def current() -> Register:
    """The register for the data as it is now, reused while the data has not changed.

    For work that reads obligations many times in a row (a wave of alert e-mails): one
    cheap version query per call instead of a reload of the whole history.
    """
    version = (data_version(), settings.WEGO_TRACKING_START, settings.WEGO_DUE_SOON_DAYS, settings.WEGO_HORIZON_DAYS)
    cached = _current.get("register")
    if cached is None or _current.get("version") != version:
        cached = Register.load()
        _current.update(register=cached, version=version)
    return cached


__all__ = ["Register", "Step", "load", "load_history"]

"""Reading what the pure rules need from the database, as plain records.

The small tables (rules, provisions, holidays, sessions, coverage, committees) are read
whole: a handful of rows each. Events are read only for the scope asked: the documents
of some lineages or fiscal years, and the forwardings and reports that name them. Nothing
here is kept between calls: no process holds the history.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from ..rules import law
from ..rules.calendar import calendar_from_overrides
from ..rules.coverage import Coverage, CoverageRec
from ..rules.deadlines import session_label
from ..rules.history import DocRec, ForwardRec, History, ReportRec, RuleRec


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


@dataclass
class Law:
    """The small tables, read once for a request or a write (a few rows each)."""

    rules: list[RuleRec]
    provisions: list[law.ProvisionRec]
    _calendar: object = None
    _sessions: list | None = None
    _coverage: Coverage | None = None
    _extra: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> Law:
        from ..models import DutyRule, Provision

        provisions = [provision_rec(p) for p in Provision.objects.select_related("instrument").order_by("pk")]
        rule_provisions = defaultdict(list)
        for rule_id, provision_id in DutyRule.provisions.through.objects.values_list("dutyrule_id", "provision_id"):
            rule_provisions[rule_id].append(provision_id)
        rules = [
            rule_rec(r, rule_provisions[r.pk])
            for r in DutyRule.objects.select_related("actor", "recipient").order_by("ordering", "code")
        ]
        return cls(rules=rules, provisions=provisions)

    @property
    def rules_by_id(self) -> dict[int, RuleRec]:
        found = self._extra.get("rules_by_id")
        if found is None:
            found = self._extra["rules_by_id"] = {r.id: r for r in self.rules}
        return found

    @property
    def provisions_by_id(self):
        found = self._extra.get("provisions_by_id")
        if found is None:
            found = self._extra["provisions_by_id"] = {p.id: p for p in self.provisions}
        return found

    @property
    def calendar(self):
        if self._calendar is None:
            from ..models import HolidayOverride

            self._calendar = calendar_from_overrides(
                HolidayOverride.objects.values_list("date", "kind", "name_ko", "name_en")
            )
        return self._calendar

    @property
    def sessions(self):
        if self._sessions is None:
            from ..models import CouncilSession

            self._sessions = [
                (s.starts_on, s.ends_on, session_label(s.number, s.kind)) for s in CouncilSession.objects.all()
            ]
        return self._sessions

    @property
    def coverage(self) -> Coverage:
        if self._coverage is None:
            from ..models import RecordCoverage

            self._coverage = Coverage.of(
                CoverageRec(stream=stream, starts_on=starts_on, ends_on=ends_on, source=source)
                for stream, starts_on, ends_on, source in RecordCoverage.objects.values_list(
                    "stream", "starts_on", "ends_on", "source"
                )
            )
        return self._coverage

    def history(self, documents=(), forwardings=(), reports=(), reasons=None, extensions=None) -> History:
        return History(
            rules=self.rules,
            provisions=self.provisions,
            documents=list(documents),
            forwardings=list(forwardings),
            reports=list(reports),
            sessions=self.sessions,
            reasons=reasons or {},
            calendar=self.calendar,
            tracking_start=settings.WEGO_TRACKING_START,
            coverage=self.coverage,
            extensions=extensions or {},
        )


DOC_FIELDS = ("id", "kind", "fiscal_year", "title", "submission__received_on", "supersedes_id", "submission_id")


def doc_recs(queryset) -> list[DocRec]:
    return [
        DocRec(
            id=d["id"],
            kind=d["kind"],
            fiscal_year=d["fiscal_year"],
            title=d["title"],
            received_on=d["submission__received_on"],
            supersedes_id=d["supersedes_id"],
            submission_id=d["submission_id"],
        )
        for d in queryset.values(*DOC_FIELDS)
    ]


def forward_recs(doc_ids=None) -> list[ForwardRec]:
    """Forwardings naming any of `doc_ids` (all when None), each with the items it names
    among them (all its items when None)."""
    from ..models import ForwardingItem

    items = ForwardingItem.objects.all()
    if doc_ids is not None:
        items = items.filter(document_id__in=list(doc_ids))
    named = defaultdict(list)
    meta = {}
    for item in items.values("forwarding_id", "forwarding__forwarded_on", "forwarding__document_number", "document_id"):
        meta[item["forwarding_id"]] = (item["forwarding__forwarded_on"], item["forwarding__document_number"])
        if item["document_id"]:
            named[item["forwarding_id"]].append(item["document_id"])
    return [
        ForwardRec(id=fid, forwarded_on=day, document_number=number, doc_ids=tuple(named[fid]))
        for fid, (day, number) in meta.items()
    ]


def report_recs(doc_ids=None) -> list[ReportRec]:
    from ..models import CommitteeReport

    rows = CommitteeReport.documents.through.objects.all()
    if doc_ids is not None:
        rows = rows.filter(document_id__in=list(doc_ids))
    named = defaultdict(list)
    meta = {}
    for row in rows.values(
        "committeereport_id", "document_id", "committeereport__reported_on", "committeereport__committee__name_ko"
    ):
        meta[row["committeereport_id"]] = (
            row["committeereport__reported_on"],
            row["committeereport__committee__name_ko"],
        )
        named[row["committeereport_id"]].append(row["document_id"])
    return [
        ReportRec(id=rid, reported_on=day, doc_ids=tuple(named[rid]), label=f"{name} {day.isoformat()}")
        for rid, (day, name) in meta.items()
    ]


def reasons_for(keys=None) -> dict[str, list]:
    from ..models import DelayReason

    rows = DelayReason.objects.all()
    if keys is not None:
        rows = rows.filter(obligation_key__in=list(keys))
    found = defaultdict(list)
    for reason in rows:
        found[reason.obligation_key].append(reason)
    return dict(found)


def extensions_for(keys=None) -> dict[str, tuple[datetime.date, str, datetime.date]]:
    """{obligation key: (extended date, basis, the day it was agreed)} of the agreed
    extensions in force (the latest active one of each obligation), for `keys` or all."""
    from ..models import Extension

    if keys is None:
        keys = set(Extension.objects.active().values_list("obligation_key", flat=True))
    found = Extension.objects.latest_active_by_key(keys) if keys else {}
    return {key: (e.extended_to, e.basis, e.granted_on) for key, e in found.items()}


def load_history(tracking_start: datetime.date | None = None, fiscal_years=None) -> History:
    """The events read afresh (those of `fiscal_years` only, when given): for a full
    rebuild, the what-if view and the admin's preview."""
    from ..models import Document

    context = Law.load()
    documents = Document.objects.order_by()
    if fiscal_years is not None:
        documents = documents.filter(fiscal_year__in=list(fiscal_years))
    docs = doc_recs(documents)
    ids = None if fiscal_years is None else {d.id for d in docs}
    history = context.history(
        documents=docs,
        forwardings=forward_recs(ids),
        reports=report_recs(ids),
        reasons=reasons_for(),
        extensions=extensions_for(),
    )
    if tracking_start is not None:
        history.tracking_start = tracking_start
    return history

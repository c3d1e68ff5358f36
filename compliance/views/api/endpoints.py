"""The read API, /api/v1/: the register for other systems.

Read-only (GET). Anonymous callers, and users without a role, get exactly what the
public register shows (`compliance.disclosure`); a signed-in user or a personal token
reads what that user may read in the browser. Obligations come from the register, the
one read model. Every query parameter is checked (`params`): an unknown, repeated or
malformed one is a 400 problem-details answer, never a partial list.
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from ... import register
from ...models import (
    CommitteeReport,
    Document,
    DocumentKind,
    DuesCollection,
    DutyRule,
    Forwarding,
    SeoulSupport,
)
from ...rules import calculator
from ..funding import funding_figures
from . import params
from . import serializers as s
from .base import (  # noqa: F401 - re-exported: the names the other API modules use
    AS_OF,
    ERRORS,
    FISCAL_YEAR,
    PAGE,
    PROBLEM,
    WHAT_IF,
    WHAT_IF_FROM,
    WHAT_IF_PARAMS,
    Pagination,
    ReadView,
    _q,
    what_if_args,
)
from .obligations import ObligationDetail, ObligationList  # noqa: F401 - re-exported for the URLs
from .problems import BadParameters

# --- Records --------------------------------------------------------------------------------


def _file(request, f, public):
    name = "public_file" if public else "file_download"
    return {
        "id": f.pk,
        "name": f.original_name,
        "size": f.size,
        "sha256": f.sha256,
        "content_type": f.content_type,
        "public": f.is_public,
        "download_url": request.build_absolute_uri(reverse(name, args=[f.pk])),
    }


class DocumentList(ReadView):
    params = {"fiscal_year": params.year, "kind": params.choice(*DocumentKind.values)}

    @extend_schema(
        summary="Received documents (metadata only; files are listed, never inlined)",
        parameters=[FISCAL_YEAR, _q("kind", OpenApiTypes.STR, "Only this kind of document."), *PAGE],
        responses={200: s.paginated(s.DocumentSerializer), **ERRORS},
    )
    def get(self, request):
        values = self.parse()
        forwarded_on = {}
        for doc_id, day in (
            Forwarding.objects.filter(items__document__isnull=False, forwarded_on__lte=self.today)
            .order_by("forwarded_on")
            .values_list("items__document_id", "forwarded_on")
        ):
            forwarded_on.setdefault(doc_id, day)
        docs = (
            Document.objects.select_related("submission")
            .prefetch_related("files")
            .order_by("submission__received_on", "pk")
        )
        if "fiscal_year" in values:
            docs = docs.filter(fiscal_year=values["fiscal_year"])
        if "kind" in values:
            docs = docs.filter(kind=values["kind"])
        if self.public:
            docs = docs.filter(pk__in=list(forwarded_on))
        rows = []
        for doc in docs:
            files = [f for f in doc.files.all() if f.is_public or not self.public]
            rows.append(
                {
                    "id": doc.pk,
                    "kind": doc.kind,
                    "fiscal_year": doc.fiscal_year,
                    "title": doc.title,
                    "received_on": doc.submission.received_on,
                    "receipt_number": None if self.public else doc.submission.receipt_number,
                    "supersedes": doc.supersedes_id,
                    "forwarded_on": forwarded_on.get(doc.pk),
                    "files": [_file(request, f, self.public) for f in files],
                }
            )
        return self.page(rows, s.DocumentSerializer)


class ForwardingList(ReadView):
    params = {"fiscal_year": params.year}

    @extend_schema(
        summary="Forwardings from the Mayor to the Council (17⑤)",
        parameters=[_q("fiscal_year", OpenApiTypes.INT, "Only forwardings with an item of this fiscal year."), *PAGE],
        responses={200: s.paginated(s.ForwardingSerializer), **ERRORS},
    )
    def get(self, request):
        values = self.parse()
        forwardings = Forwarding.objects.prefetch_related("items").order_by("forwarded_on", "pk")
        if "fiscal_year" in values:
            forwardings = forwardings.filter(items__fiscal_year=values["fiscal_year"]).distinct()
        rows = [
            {
                "id": f.pk,
                "forwarded_on": f.forwarded_on,
                "document_number": f.document_number,
                "items": [
                    {
                        "description": i.description,
                        "kind": i.kind,
                        "fiscal_year": i.fiscal_year,
                        "document": i.document_id,
                    }
                    for i in f.items.all()
                ],
            }
            for f in forwardings
        ]
        return self.page(rows, s.ForwardingSerializer)


class CommitteeReportList(ReadView):
    @extend_schema(
        summary="Reports to the competent standing committee (amended 17⑤)",
        parameters=PAGE,
        responses={200: s.paginated(s.CommitteeReportSerializer), **ERRORS},
    )
    def get(self, request):
        self.parse()
        reports = (
            CommitteeReport.objects.select_related("committee", "session")
            .prefetch_related("documents")
            .order_by("reported_on", "pk")
        )
        rows = [
            {
                "id": r.pk,
                "reported_on": r.reported_on,
                "committee": r.committee.name,
                "session": str(r.session) if r.session_id else None,
                "documents": [d.pk for d in r.documents.all()],
            }
            for r in reports
        ]
        return self.page(rows, s.CommitteeReportSerializer)


def provision_state(p, today, in_force_ids):
    if p.pk in in_force_ids:
        return "in_force"
    if p.is_proposed and not p.effective_from:
        return "proposed"
    if p.effective_from and p.effective_from > today:
        return "scheduled"
    return "superseded"


def provision_groups(reg, today):
    """Article 17 as data: every provision with its versions and the state of each today."""
    in_force_ids = {p.pk for p in reg.law_in_force(today, article=None)}
    versions = sorted((p.row for p in reg.history.provisions), key=lambda p: (p.article, p.paragraph, p.pk))
    groups = {}
    for p in versions:
        group = groups.setdefault(
            (p.instrument_id, p.article, p.paragraph),
            {
                "instrument": p.instrument.name,
                "article": p.article,
                "paragraph": p.paragraph,
                "citation": p.citation,
                "versions": [],
            },
        )
        state = provision_state(p, today, in_force_ids)
        group["versions"].append(
            {
                "id": p.pk,
                "version_label": p.version_label,
                "text_ko": p.text_ko,
                "text_en": p.text_en,
                "is_proposed": p.is_proposed,
                "effective_from": p.effective_from,
                "effective_to": p.effective_to,
                "in_force": state == "in_force",
                "state": state,
                "source": p.source,
            }
        )
    return list(groups.values())


class ProvisionList(ReadView):
    @extend_schema(
        summary="Provisions of Article 17 with all their versions (in force, proposed, superseded)",
        parameters=PAGE,
        responses={200: s.paginated(s.ProvisionSerializer), **ERRORS},
    )
    def get(self, request):
        self.parse()
        return self.page(provision_groups(register.load(), self.today), s.ProvisionSerializer)


def duty_rule_row(rule):
    return {
        "code": rule.code,
        "name_ko": rule.name_ko,
        "name_en": rule.name_en,
        "actor": rule.actor.code,
        "recipient": rule.recipient.code,
        "document_kinds": list(rule.document_kinds),
        "anchor": rule.anchor,
        "direction": rule.direction,
        "offset_months": rule.offset_months,
        "anchor_month": rule.anchor_month,
        "anchor_year_offset": rule.anchor_year_offset,
        "holiday_rule": rule.holiday_rule,
        "grace_business_days": rule.grace_business_days,
        "provisions": [p.pk for p in rule.provisions.all()],
        "calculate_with": calculator.needed_input(rule),
    }


class DutyRuleList(ReadView):
    public_register_only = False  # the law is public even with the register off

    @extend_schema(
        summary="The duties of Article 17 as data",
        parameters=PAGE,
        responses={200: s.paginated(s.DutyRuleSerializer), **ERRORS},
    )
    def get(self, request):
        self.parse()
        rules = DutyRule.objects.select_related("actor", "recipient").prefetch_related("provisions")
        return self.page([duty_rule_row(r) for r in rules], s.DutyRuleSerializer)


def funding_data():
    figures = funding_figures()
    return {
        "unit": "thousand KRW",
        "budget": [
            {
                "year": r["obj"].year,
                "total_budget": r["obj"].total_budget,
                "seoul_support": r["obj"].seoul_support,
                "membership_dues": r["obj"].membership_dues,
                "dues_share": str(r["dues_share"]) if r["dues_share"] is not None else None,
                "dues_ratio_as_stated": str(r["obj"].dues_ratio) if r["obj"].dues_ratio is not None else None,
                "source": r["obj"].source,
            }
            for r in figures["budget_rows"]
        ],
        "seoul_support": [
            {"year": x.year, "amount": x.amount, "seconded_staff": x.seconded_staff, "source": x.source}
            for x in SeoulSupport.objects.order_by("year")
        ],
        "dues_collection": [
            {
                "year": d.year,
                "targets": d.targets,
                "payers": d.payers,
                "rate_as_stated": str(d.rate),
                "amount": d.amount,
                "source": d.source,
            }
            for d in DuesCollection.objects.order_by("year")
        ],
    }


class FundingView(ReadView):
    paginated = False

    @extend_schema(
        summary="WeGO funding: budget, Seoul's support and membership dues, each with its source",
        responses={200: s.FundingSerializer, **ERRORS},
    )
    def get(self, request):
        self.parse()
        return Response(s.FundingSerializer(funding_data()).data)


# --- The deadline calculator ----------------------------------------------------------------


class CalculateView(ReadView):
    paginated = False
    public_register_only = False  # the calculator reads only the law and the calendar

    @extend_schema(
        summary="Due date of a duty for a fiscal year, a receipt date or a forwarding date",
        parameters=[
            _q("duty", OpenApiTypes.STR, "A duty-rule code, e.g. results_to_mayor.", required=True),
            _q("fiscal_year", OpenApiTypes.INT, "For duties tied to a fiscal year."),
            _q("received_on", OpenApiTypes.DATE, "For duties due 'without delay' after a receipt."),
            _q("forwarded_on", OpenApiTypes.DATE, "For committee reports after a forwarding."),
        ],
        responses={200: s.CalculationSerializer, **ERRORS},
    )
    def get(self, request):
        reg = register.load()
        result = run_calculation(request.query_params, reg, self.today, get_language() or "ko")
        return Response(s.CalculationSerializer(result).data)


def run_calculation(query, reg, today, language):
    """Parse `query` strictly and calculate; raises BadParameters with every problem found."""
    rules = {r.code: r for r in reg.history.rules}
    spec = {
        "duty": params.choice(*rules),
        calculator.FISCAL_YEAR: params.year,
        calculator.RECEIVED_ON: params.iso_date,
        calculator.FORWARDED_ON: params.iso_date,
    }
    values = params.parse(query, spec, today)
    if "duty" not in values:
        raise BadParameters([{"parameter": "duty", "detail": _("Choose a duty.")}])
    rule = rules[values["duty"]]
    needed = calculator.needed_input(rule)
    given = [
        name for name in (calculator.FISCAL_YEAR, calculator.RECEIVED_ON, calculator.FORWARDED_ON) if name in values
    ]
    errors = [
        {"parameter": name, "detail": _("This duty is not counted from it: give %(needed)s.") % {"needed": needed}}
        for name in given
        if name != needed
    ]
    if needed not in values:
        errors.append({"parameter": needed, "detail": _("This duty needs %(needed)s.") % {"needed": needed}})
    if errors:
        raise BadParameters(errors)
    result = calculator.calculate(
        rule,
        reg.calendar,
        fiscal_year=values.get(calculator.FISCAL_YEAR),
        trigger=values.get(calculator.RECEIVED_ON) or values.get(calculator.FORWARDED_ON),
        sessions=reg.history.sessions,
    )
    return {
        "duty": rule.code,
        "fiscal_year": values.get(calculator.FISCAL_YEAR),
        "received_on": values.get(calculator.RECEIVED_ON),
        "forwarded_on": values.get(calculator.FORWARDED_ON),
        "due_date": result.due,
        "submit_by": result.submit_by,
        "derivation": result.deadline.derivation(language),
        "non_business_days_crossed": [{"date": c.day, "why": c.why.text(language)} for c in result.crossed],
        "calculation": result,
    }


class NotFoundView(ReadView):
    """Any other address under /api/: a problem-details 404, like the API's other errors."""

    http_method_names = ["get", "head", "options", "post", "put", "patch", "delete"]
    paginated = False
    public_register_only = False

    @extend_schema(exclude=True)
    def get(self, request, rest=""):
        raise exceptions.NotFound()

    options = post = put = patch = delete = get

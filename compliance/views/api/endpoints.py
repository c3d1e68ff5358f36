"""The read API, /api/v1/: the register for other systems.

Read-only (GET). Anonymous callers, and users without a role, get exactly what the
public register shows (`compliance.disclosure`); a signed-in user or a personal token
reads what that user may read in the browser. Obligations come from the register, the
one read model. Every query parameter is checked (`params`): an unknown, repeated or
malformed one is a 400 problem-details answer, never a partial list.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import disclosure, register
from ...labels import status_label
from ...models import (
    CommitteeReport,
    Document,
    DocumentKind,
    DuesCollection,
    DutyRule,
    Forwarding,
    SeoulSupport,
)
from ...register.listing import Page
from ...register.read import ORDER
from ...rules import calculator
from ...rules.obligations import Status
from ..funding import funding_figures
from . import params
from . import serializers as s
from .problems import BadParameters

PROBLEM = OpenApiResponse(s.ProblemSerializer, description="Problem details (RFC 9457), in the caller's language.")
ERRORS = {400: PROBLEM, 401: PROBLEM, 404: PROBLEM, 429: PROBLEM}


def _q(name, type_, description, **kwargs):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


AS_OF = _q("as_of", OpenApiTypes.DATE, "Statuses as of this day (YYYY-MM-DD; default: today in Asia/Seoul).")
WHAT_IF = _q("what_if", OpenApiTypes.INT, "1: as if the proposed amendment were in force.", enum=[0, 1])
WHAT_IF_FROM = _q(
    "what_if_from", OpenApiTypes.DATE, "With what_if=1: the day the amendment is assumed in force (default: today)."
)
WHAT_IF_PARAMS = {"what_if": params.flag, "what_if_from": params.iso_date}


def what_if_args(values):
    """(what_if, what_if_from) for the register; `what_if_from` alone is a 400."""
    if "what_if_from" in values and not values.get("what_if"):
        raise BadParameters([{"parameter": "what_if_from", "detail": _("Give it together with what_if=1.")}])
    return {"what_if": values.get("what_if", False), "what_if_from": values.get("what_if_from")}


FISCAL_YEAR = _q("fiscal_year", OpenApiTypes.INT, "Only this fiscal year.")
PAGE = [
    _q("page", OpenApiTypes.INT, "Page number (from 1)."),
    _q("page_size", OpenApiTypes.INT, "Items per page (default 50, at most 200)."),
]


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ReadView(APIView):
    """GET only; parses its declared query parameters before anything is read."""

    http_method_names = ["get", "head", "options"]
    params: dict = {}
    paginated = True
    # Off with the public register (WEGO_PUBLIC_REGISTER=0) for public readers.
    public_register_only = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.today = timezone.localdate()
        self.public = disclosure.reads_as_public(request.user)
        if self.public and self.public_register_only and not disclosure.public_register_enabled():
            raise exceptions.NotAuthenticated()

    def parse(self, spec=None):
        spec = dict(self.params if spec is None else spec)
        if self.paginated:
            spec.update(params.PAGINATION)
        return params.parse(self.request.query_params, spec, self.today)

    def page(self, rows, serializer_class):
        paginator = Pagination()
        chunk = paginator.paginate_queryset(rows, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(chunk, many=True).data)


# --- Obligations ----------------------------------------------------------------------------


def _obligation_url(request, ob, public, as_of_given):
    if public:
        return request.build_absolute_uri(reverse("public_register")) + f"?fiscal_year={ob.fiscal_year}#{ob.key}"
    url = reverse("obligation_detail", args=[ob.key])
    if as_of_given:
        url += f"?as_of={as_of_given.isoformat()}"
    return request.build_absolute_uri(url)


class ObligationsMixin:
    def item(self, ob, as_of_given):
        return disclosure.obligation_item(
            ob,
            public=self.public,
            forwarded_ids=self.forwarded,
            url=_obligation_url(self.request, ob, self.public, as_of_given),
        )


class ObligationList(ObligationsMixin, ReadView):
    @extend_schema(
        operation_id="obligations_list",
        summary="Obligations and their status as of a day",
        parameters=[
            AS_OF,
            WHAT_IF,
            WHAT_IF_FROM,
            FISCAL_YEAR,
            _q("duty", OpenApiTypes.STR, "Only this duty (a duty-rule code)."),
            _q("status", OpenApiTypes.STR, "Only this status (the vocabulary of the dashboard)."),
            *PAGE,
        ],
        responses={200: s.paginated(s.ObligationSerializer), **ERRORS},
    )
    def get(self, request):
        reg = register.load()
        codes = [r.code for r in reg.history.rules]
        spec = {
            "as_of": params.iso_date,
            **WHAT_IF_PARAMS,
            "fiscal_year": params.year,
            "duty": params.choice(*codes),
            "status": params.choice(*Status.ALL),
        }
        values = self.parse(spec)
        as_of = values.get("as_of") or self.today
        self.forwarded = disclosure.forwarded_document_ids(min(as_of, self.today))
        wanted = {name: values[name] for name in ("fiscal_year", "duty", "status") if values.get(name) is not None}

        def item(ob):
            return self.item(ob, values.get("as_of"))

        args = what_if_args(values)
        if args["what_if"]:
            rows = [ob for ob in reg.obligations(as_of, **args) if _matches(ob, wanted)]
            return self.page([item(ob) for ob in rows], s.ObligationSerializer)
        # Filtered, ordered and paged in SQL; only the page's rows are made whole.
        rows = reg.rows(as_of).filter(**wanted).order_by(*ORDER)
        return self.page(Page(rows, None, reg, as_of, item), s.ObligationSerializer)


def _matches(ob, wanted):
    return all(getattr(ob, name) == value for name, value in wanted.items())


def _hop(row):
    doc, fwd, rep = row["doc"], row.get("forwarding"), row.get("report")
    return {
        "document": doc.id,
        "title": doc.title,
        "received_on": doc.received_on,
        "forwarded_on": fwd.forwarded_on if fwd else None,
        "to_council_business_days": row.get("to_council_business_days"),
        "reported_on": rep.reported_on if rep else None,
        "to_committee_business_days": row.get("to_committee_business_days"),
    }


class ObligationDetail(ObligationsMixin, ReadView):
    paginated = False

    @extend_schema(
        operation_id="obligations_retrieve",
        summary="One obligation: derivation of its due date and the delay at each hop",
        parameters=[AS_OF, WHAT_IF, WHAT_IF_FROM],
        responses={200: s.ObligationDetailSerializer, **ERRORS},
    )
    def get(self, request, key):
        reg = register.load()
        values = self.parse({"as_of": params.iso_date, **WHAT_IF_PARAMS})
        as_of = values.get("as_of") or self.today
        self.forwarded = disclosure.forwarded_document_ids(min(as_of, self.today))
        ob = reg.get(key, as_of, **what_if_args(values))
        if ob is None:
            raise exceptions.NotFound()
        data = self.item(ob, values.get("as_of"))
        shown = disclosure.derivation_visible(ob, public=self.public, forwarded_ids=self.forwarded)
        trail = [_hop(row) for row in reg.trail(ob, as_of) if not self.public or row["doc"].id in self.forwarded]
        data.update(
            {
                "status_label": str(status_label(ob)),
                "derivation": ob.deadline.derivation(get_language() or "ko") if shown else None,
                "submit_by": ob.deadline.submit_by,
                "trail": trail,
            }
        )
        return Response(s.ObligationDetailSerializer(data).data)


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

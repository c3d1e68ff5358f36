"""The read API's obligations: the list with statuses as of a day, and one obligation."""

from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from ... import disclosure, register
from ...labels import status_label
from ...register.listing import Page
from ...register.read import ORDER
from ...rules.obligations import Status
from . import params
from . import serializers as s
from .base import AS_OF, ERRORS, FISCAL_YEAR, PAGE, WHAT_IF, WHAT_IF_FROM, WHAT_IF_PARAMS, ReadView, _q, what_if_args

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

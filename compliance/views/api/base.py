"""What every read-API view shares: query parameters, paging, the read view itself."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import APIView

from ... import disclosure
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

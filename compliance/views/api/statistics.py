"""/api/v1/statistics/: the compliance record's figures per fiscal year and hop.

The same figures as /performance/ (`compliance.statistics`): the counts of a GROUP BY
over the register for the as-at day. Public callers get the public figures (the delays
of undisclosed documents left out); what-if figures say `"what_if": true`.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from ... import disclosure, register, statistics
from ...statistics import SCHEMA
from . import params
from . import serializers as s
from .endpoints import AS_OF, ERRORS, WHAT_IF, WHAT_IF_FROM, WHAT_IF_PARAMS, ReadView, _q, what_if_args
from .problems import BadParameters

_TYPES = {"integer": s.serializers.IntegerField, "number": s.serializers.FloatField, "string": s.serializers.CharField}
_NULLABLE = {"on_time_rate", "median_days_late", "max_days_late"}

StatisticsRowSerializer = type(
    "StatisticsRowSerializer",
    (s.serializers.Serializer,),
    {
        name: _TYPES[kind](help_text=f"{title}: {description}", allow_null=name in _NULLABLE)
        for name, (kind, title, description) in SCHEMA.items()
    },
)


class StatisticsSerializer(s.serializers.Serializer):
    as_of = s.serializers.DateField(help_text="The day the figures are as at.")
    what_if = s.serializers.BooleanField(help_text="True: figures as if the proposed amendment were in force.")
    rows = StatisticsRowSerializer(many=True)


class StatisticsView(ReadView):
    paginated = False

    @extend_schema(
        operation_id="statistics",
        summary="The compliance record: on-time figures per fiscal year and hop, as at a day",
        parameters=[
            AS_OF,
            _q("from_fy", OpenApiTypes.INT, "First fiscal year (default: the first with a duty)."),
            _q("to_fy", OpenApiTypes.INT, "Last fiscal year (default: the last with a duty)."),
            WHAT_IF,
            WHAT_IF_FROM,
        ],
        responses={200: StatisticsSerializer, **ERRORS},
    )
    def get(self, request):
        spec = {"as_of": params.iso_date, "from_fy": params.year, "to_fy": params.year, **WHAT_IF_PARAMS}
        values = self.parse(spec)
        if values.get("from_fy") and values.get("to_fy") and values["from_fy"] > values["to_fy"]:
            raise BadParameters([{"parameter": "to_fy", "detail": _("The last fiscal year is before the first.")}])
        reg = register.load()
        args = what_if_args(values)
        as_of = values.get("as_of") or self.today
        record = statistics.compute(
            reg,
            as_of,
            from_fy=values.get("from_fy"),
            to_fy=values.get("to_fy"),
            what_if=args["what_if"] and bool(reg.bills()),
            what_if_from=args["what_if_from"],
            public=self.public,
            forwarded_ids=disclosure.forwarded_document_ids(min(as_of, self.today)) if self.public else None,
        )
        data = {"as_of": record.as_of, "what_if": record.what_if, "rows": [r.as_row() for r in record.rows]}
        return Response(StatisticsSerializer(data).data)

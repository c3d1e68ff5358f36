"""The compliance record as open data: /public/performance/statistics.csv and .json, and
their description, /public/performance/datapackage.json (Frictionless Data Package with a
Table Schema: English keys, Korean titles, the as-at day, the source and the records
coverage in its metadata). Public disclosure applies (`compliance.statistics`): the counts
are public, the delays of undisclosed documents are left out.
"""

import json

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import disclosure, register, statistics
from ..dataio.writer import write_table
from ..register.outcomes import HOPS
from ..statistics import SCHEMA
from .api import params
from .api.problems import BadParameters
from .feeds import _not_found

SOURCE = "서울특별시 스마트도시 및 정보화 조례 제17조 이행 관리 시스템(WeGO 지원) — Seoul Metropolitan Government"
SPEC = {"as_of": params.iso_date, "from_fy": params.year, "to_fy": params.year}


def public_record(query):
    """The public record the query string asks for; raises BadParameters."""
    today = timezone.localdate()
    values = params.parse(query, SPEC, today)
    if values.get("from_fy") and values.get("to_fy") and values["from_fy"] > values["to_fy"]:
        raise BadParameters([{"parameter": "to_fy", "detail": _("The last fiscal year is before the first.")}])
    as_of = values.get("as_of") or today
    return statistics.compute(
        register.load(),
        as_of,
        from_fy=values.get("from_fy"),
        to_fy=values.get("to_fy"),
        public=True,
        forwarded_ids=disclosure.forwarded_document_ids(min(as_of, today)),
    )


def _bad(exc):
    lines = [f"{e['parameter']}: {e['detail']}" for e in exc.errors]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _guard(view):
    def wrapped(request):
        if not disclosure.public_register_enabled():
            return _not_found()
        try:
            return view(request)
        except BadParameters as exc:
            return _bad(exc)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return require_GET(wrapped)


@_guard
def statistics_csv(request):
    record = public_record(request.GET)
    # The one CSV writer of the app (UTF-8 with BOM, formula-like text neutralised).
    rows = (
        ["" if row.as_row()[name] is None else row.as_row()[name] for name in statistics.FIELDS] for row in record.rows
    )
    response = HttpResponse(write_table(statistics.FIELDS, rows, "csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="wego-article17-statistics-{record.as_of}.csv"'
    return response


@_guard
def statistics_json(request):
    record = public_record(request.GET)
    return JsonResponse(
        {"as_of": record.as_of.isoformat(), "what_if": False, "rows": [r.as_row() for r in record.rows]},
        json_dumps_params={"ensure_ascii": False},
    )


def coverage_metadata(record) -> list:
    """The records coverage of each hop on the as-at day, and what it means."""
    return [
        {
            "hop": hop,
            "stream": stream,
            "covered": [{"from": start.isoformat(), "to": end.isoformat()} for start, end in record.coverage[hop]],
        }
        for hop, stream in HOPS.items()
    ]


@_guard
def datapackage(request):
    """The Frictionless Data Package describing statistics.csv and .json."""
    record = public_record(request.GET)
    base = request.build_absolute_uri(reverse("public_performance_csv"))
    query = f"?as_of={record.as_of.isoformat()}"
    fields = [
        {"name": name, "type": kind, "title": title, "description": description}
        for name, (kind, title, description) in SCHEMA.items()
    ]
    package = {
        "profile": "tabular-data-package",
        "name": "wego-article17-compliance-record",
        "title": "WeGO 지원 조례 제17조 이행 실적",
        "description": "On-time figures per fiscal year and hop of Article 17 (support for WeGO), "
        "computed from the register as at the day given; no personal data.",
        "as_of": record.as_of.isoformat(),
        "created": timezone.now().isoformat(timespec="seconds"),
        "sources": [{"title": SOURCE, "path": request.build_absolute_uri(reverse("public_performance"))}],
        "licenses": [{"name": "KOGL-Type1", "title": "공공누리 제1유형 (출처표시)"}],
        "records_coverage": coverage_metadata(record),
        "resources": [
            {
                "name": "statistics",
                "path": base + query,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "schema": {"fields": fields, "primaryKey": ["fiscal_year", "hop"]},
            },
            {
                "name": "statistics-json",
                "path": request.build_absolute_uri(reverse("public_performance_json")) + query,
                "format": "json",
                "mediatype": "application/json",
                "schema": {"fields": fields, "primaryKey": ["fiscal_year", "hop"]},
            },
        ],
    }
    body = json.dumps(package, ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/json; charset=utf-8")

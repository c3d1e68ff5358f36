"""/api/docs/: the read API's documentation as a page of the site (its header, its
language, its accessibility), written from the OpenAPI schema drf-spectacular makes
(/api/schema/), with a quick start and an example request for each resource.

Swagger UI's own page had 120 axe findings (contrast, nested controls, target size)
that CSS cannot remove, no `lang` and no site header; a server-rendered page has none of
that and needs no script. The schema stays the one description of the API.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

from .api import schema as _token_scheme  # noqa: F401 (registers the API token scheme with the schema)

# One realistic request for each resource (the query part), shown as curl.
EXAMPLES = {
    "/api/v1/obligations/": "?fiscal_year=2024",
    "/api/v1/obligations/{key}/": "",
    "/api/v1/documents/": "?fiscal_year=2024",
    "/api/v1/forwardings/": "?fiscal_year=2024",
    "/api/v1/committee-reports/": "?page=1&page_size=20",
    "/api/v1/provisions/": "",
    "/api/v1/duty-rules/": "",
    "/api/v1/funding/": "",
    "/api/v1/calculate/": "?duty=results_to_mayor&fiscal_year=2025",
}
EXAMPLE_PATHS = {"/api/v1/obligations/{key}/": "/api/v1/obligations/plan_to_mayor-2024/"}


def _ref(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _fields(schema, node):
    """[(name, type, description)] of a response body; a page's items for a paginated list."""
    node = _ref(schema, node)
    props = node.get("properties", {})
    paged = {"count", "next", "previous", "results"} <= set(props)
    if paged:
        node = _ref(schema, props["results"].get("items", {}))
        props = node.get("properties", {})
    rows = []
    for name, prop in props.items():
        prop = prop if "$ref" not in prop else {"type": "object"}
        kind = prop.get("type") or ("object" if "allOf" in prop or "oneOf" in prop else "")
        if prop.get("format") in ("date", "date-time", "uri"):
            kind = prop["format"]
        rows.append((name, kind, prop.get("description", "")))
    return paged, rows


def _operations(schema, base):
    ops = []
    for path, methods in schema["paths"].items():
        op = methods.get("get")
        if op is None:
            continue
        body = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
        paged, fields = _fields(schema, body)
        example_path = EXAMPLE_PATHS.get(path, path)
        ops.append(
            {
                "id": op.get("operationId", path),
                "path": path,
                "summary": _(op.get("summary", "")),
                "parameters": [
                    {
                        "name": p["name"],
                        "where": p["in"],
                        "type": p.get("schema", {}).get("format") or p.get("schema", {}).get("type", ""),
                        "required": p.get("required", False),
                        "description": _(p.get("description", "")),
                    }
                    for p in op.get("parameters", [])
                ],
                "paged": paged,
                "fields": fields,
                "curl": f'curl -H "Accept-Language: ko" "{base}{example_path}{EXAMPLES.get(path, "")}"',
            }
        )
    order = list(EXAMPLES)
    return sorted(ops, key=lambda o: order.index(o["path"]) if o["path"] in order else len(order))


@require_GET
def api_docs(request):
    schema_dict = SchemaGenerator().get_schema(request=None, public=True)
    base = request.build_absolute_uri("/").rstrip("/")
    context = {
        "base": base,
        "api_base": f"{base}/api/v1/",
        "schema_url": reverse("api_schema"),
        "operations": _operations(schema_dict, base),
        "curl_anonymous": f'curl "{base}/api/v1/obligations/?fiscal_year=2024&page_size=10"',
        "curl_token": f'curl -H "Authorization: Bearer wego_…" "{base}/api/v1/documents/"',
    }
    return render(request, "compliance/api/docs.html", context)

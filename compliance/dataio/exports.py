"""Exports of records: every CSV/XLSX goes through `compliance.dataio.writer.write_table`."""

from __future__ import annotations

import datetime

from .resources import RESOURCES
from .writer import write_table

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_records(resource_name: str, fmt: str = "csv", korean_headers: bool = False, as_of=None):
    """(bytes, headers, row count) of every record of a resource, in file order."""
    cls = RESOURCES[resource_name]
    resource = cls(as_of=as_of) if resource_name == "obligations" else cls()
    export_fields = resource.get_export_fields()
    names = [f.column_name for f in export_fields]
    if korean_headers:
        ko = resource.korean_headers()
        headers = [ko[n] for n in names]
    else:
        headers = names
    rows = [resource.export_resource(obj) for obj in resource.iter_queryset(resource.get_queryset())]
    return write_table(headers, rows, fmt), headers, len(rows)


def export_filename(resource_name, fmt, stamp: datetime.date):
    return f"wego-{resource_name.replace('_', '-')}-{stamp:%Y%m%d}.{fmt}"

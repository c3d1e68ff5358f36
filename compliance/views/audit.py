"""The audit trail: the list and its CSV export."""

import json

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from ..access import (
    AUDIT_READERS,
    can_see_addresses,
    role_required,
)
from ..audit_text import describe
from ..dataio.writer import csv_lines
from ..forms.filters import AuditFilter
from ..models import (
    AuditEntry,
)
from .tables import AuditTable, list_page


@role_required(*AUDIT_READERS)
@require_GET
def audit_log(request):
    show_addresses = can_see_addresses(request.user)
    filterset, table = list_page(
        request,
        AuditEntry.objects.all(),
        AuditFilter,
        AuditTable,
        exclude=() if show_addresses else ("ip_address",),
    )
    table.sentences = {s.entry.pk: s for s in describe(row.record for row in table.page.object_list)}
    return render(
        request,
        "compliance/workflow/audit_log.html",
        {"filter": filterset, "table": table, "show_addresses": show_addresses},
    )


@role_required(*AUDIT_READERS)
@require_GET
def audit_export(request):
    """The whole trail as CSV (UTF-8 with BOM, for Excel), with each entry's hashes so
    the chain can be re-checked outside the app. Written by the app's one writer, so text
    a spreadsheet would run as a formula carries a leading apostrophe (remove it before
    re-hashing an entry)."""

    header = [
        "seq",
        "time_kst",
        "actor",
        "role",
        "ip_address",
        "action",
        "model",
        "object_pk",
        "object",
        "changes",
        "refs",
        "prev_hash",
        "entry_hash",
    ]

    def rows():
        for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=500):
            yield (
                [
                    e.seq,
                    timezone.localtime(e.created_at).isoformat(),
                    e.actor_name,
                    e.actor_role,
                    e.ip_address or "",
                    e.action,
                    e.model,
                    e.object_pk,
                    e.object_repr,
                    json.dumps(e.changes, ensure_ascii=False, sort_keys=True),
                    e.refs.strip(),
                    e.prev_hash,
                    e.entry_hash,
                ]
            )

    response = StreamingHttpResponse(csv_lines(header, rows()), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = content_disposition_header(True, f"audit-trail-{stamp}.csv")
    return response

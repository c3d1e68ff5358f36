"""The annual report for the Council's audit (행정사무감사): the compliance record as a PDF.

Built with the packets' machinery and conventions: one WeasyPrint layout of
templates/compliance/performance/report.html (the packets' running header and footer,
"page n / N"), a canonical JSON manifest of every input whose SHA-256 is the report's
ID and is printed on its last page, embedded as manifest.json (`manifest_bytes`). What-if
reports say so on every page. Contents: the figures per fiscal year and hop
(`compliance.statistics`), the trend chart, and every late, overdue or past-grace duty
with its derivation, its delay, the reasons recorded and the review history of its
documents. Like a packet it carries its proof (`compliance.pdf.proofs`, embedded by
`merge.embed_record`): the log's signed head, an inclusion proof of every receipt,
forwarding, committee report and extension the figures rest on, and the offline
verifier, which compares the receipts and trails its manifest states
(`compliance.pdf.report_record`) with the log's leaves.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .. import register, statistics
from ..labels import HOP_LABELS
from ..models import StoredObligation
from ..register.outcomes import HOPS, OUTCOMES, holds, hop_of
from ..reviews import distinct_threads
from . import proofs, report_record
from .content import LANGUAGES, InvalidRequest
from .layout import what_if_watermark
from .manifest import manifest_bytes
from .merge import embed_record


@dataclass(frozen=True)
class ReportRequest:
    as_of: datetime.date
    from_fy: int | None = None
    to_fy: int | None = None
    language: str = "ko"
    what_if: bool = False
    what_if_from: datetime.date | None = None

    def validate(self):
        if self.language not in LANGUAGES:
            raise InvalidRequest(_("Unknown language: %(lang)s (ko or en).") % {"lang": self.language})
        if self.from_fy and self.to_fy and self.from_fy > self.to_fy:
            raise InvalidRequest(_("The last fiscal year is before the first."))
        for fy in (self.from_fy, self.to_fy):
            if fy is not None and not 2000 <= fy <= 2100:
                raise InvalidRequest(_("The fiscal year must be between 2000 and 2100."))
        if self.what_if_from and not self.what_if:
            raise InvalidRequest(_("A date from which the amendment is assumed needs the what-if switch."))
        return self

    @property
    def filename(self) -> str:
        years = f"-fy{self.from_fy or ''}-{self.to_fy or ''}" if self.from_fy or self.to_fy else ""
        what_if = "-what-if" if self.what_if else ""
        return f"wego-article17-annual-report-{self.as_of.isoformat()}{years}-{self.language}{what_if}.pdf"

    @property
    def params_key(self) -> str:
        """The `PacketBuild.params_key` of a report build: versions count per key."""
        parts = ["report"]
        if self.from_fy or self.to_fy:
            parts.append(f"fy{self.from_fy or ''}-{self.to_fy or ''}")
        parts += [self.language, f"asof{self.as_of.isoformat()}"]
        if self.what_if:
            parts.append(f"whatif{self.what_if_from.isoformat() if self.what_if_from else ''}")
        return "-".join(parts)

    def as_manifest(self):
        return {
            "as_of": self.as_of.isoformat(),
            "from_fy": self.from_fy,
            "to_fy": self.to_fy,
            "language": self.language,
            "what_if": self.what_if,
            "what_if_from": self.what_if_from.isoformat() if self.what_if and self.what_if_from else None,
        }


@dataclass
class BuiltReport:
    pdf: bytes
    page_count: int
    manifest: dict
    manifest_hash: str
    render_seconds: float


def _items(reg, req, record):
    """Every late, overdue or past-grace duty in scope, in order of fiscal year and hop."""
    wanted = ("late", "overdue")  # past grace is within these two
    if req.what_if:
        found = [
            o
            for o in reg.obligations(req.as_of, what_if=True, what_if_from=record.what_if_from)
            if any(holds(w, o) for w in wanted) and statistics._in(o.fiscal_year, req.from_fy, req.to_fy)
        ]
    else:
        rows = reg.rows(req.as_of).filter(OUTCOMES["late"] | OUTCOMES["overdue"])
        if req.from_fy:
            rows = rows.filter(fiscal_year__gte=req.from_fy)
        if req.to_fy:
            rows = rows.filter(fiscal_year__lte=req.to_fy)
        # Keys by the status in SQL, then the plain rows made whole (the pure rules judge them again).
        keys = list(rows.values_list("key", flat=True))
        plain = StoredObligation.objects.filter(key__in=keys).select_related("document__submission")
        found = reg.materialize(list(plain), req.as_of)
    order = list(HOPS)
    found.sort(key=lambda o: (o.fiscal_year, order.index(hop_of(o)), o.spec.ordering, o.due_date, o.key))
    return found


def _manifest(req, record, items, threads, documents, trails) -> dict:
    return {
        "format": "wego-art17-annual-report/1",
        "request": req.as_manifest(),
        "figures": [r.as_row() for r in record.rows],
        "coverage": {hop: [[a.isoformat(), b.isoformat()] for a, b in spans] for hop, spans in record.coverage.items()},
        "items": [
            {
                **o.as_json(),
                "key": o.key,
                "delay_business_days": o.delay_business_days,
                "reasons": [r.reason for r in o.reasons],
                "trail": trails[o.key],
            }
            for o in items
        ],
        "reviews": [t.as_manifest() for t in threads],
        # The receipts the figures rest on, as a packet states them (`report_record`).
        "documents": documents,
    }


def build_report(req: ReportRequest, progress=None) -> BuiltReport:
    """Build the report; `progress(percent, note)` is called along the way (a background
    build records it on its `PacketBuild`). The content does not depend on it."""
    from pypdf import PdfWriter
    from weasyprint import HTML

    started = time.perf_counter()
    req.validate()
    step = progress or (lambda percent, note: None)
    with translation.override(req.language):
        step(5, _("Collecting the record"))
        reg = register.load()
        record = statistics.compute(
            reg,
            req.as_of,
            from_fy=req.from_fy,
            to_fy=req.to_fy,
            what_if=req.what_if and bool(reg.bills()),
            what_if_from=req.what_if_from,
        )
        items = _items(reg, req, record)
        doc_ids = {o.document.id for o in items if o.document is not None}
        threads = [t for t in (t.as_of(req.as_of) for t in distinct_threads(sorted(doc_ids), reg.lineage_ids)) if t]
        step(25, _("Proving the records against the log"))
        documents, trails, refs = report_record.record(reg, req, items)
        data = _manifest(req, record, items, threads, documents, trails)
        digest = hashlib.sha256(manifest_bytes(data)).hexdigest()
        proof_files = proofs.proof_files(refs, digest)
        title = _("Compliance record under Article 17: annual report")
        what_if_label = what_if_watermark(record.what_if_from) if record.what_if else ""
        if what_if_label:
            title = _("[What-if] %(title)s") % {"title": title}
        hops = [
            {"hop": hop, "label": HOP_LABELS[hop], "rows": record.by_hop(hop), "total": record.totals(hop)}
            for hop in HOPS
        ]
        step(40, _("Laying out the generated pages"))
        html = render_to_string(
            "compliance/performance/report.html",
            {
                "lang": req.language,
                "req": req,
                "title": title,
                "what_if_label": what_if_label,
                "record": record,
                "hops": hops,
                "chart": statistics.trend(record),
                "items": [{"o": o, "steps": o.deadline.derivation(req.language)} for o in items],
                "content": {"reviews": threads},
                "report_id": f"WeGO-17-report-{digest[:10]}",
                "manifest_hash": digest,
                "log_head": proofs.head_summary(proof_files),
                "verify_url": proofs.verify_url(),
                "proved": len(json.loads(proof_files["log-proofs.json"])["entries"]) if proof_files else 0,
                "font_family": settings.WEGO_PACKET_FONT_FAMILY,
            },
        )
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
        step(85, _("Embedding the record and its proofs"))
        writer = PdfWriter(clone_from=io.BytesIO(document.write_pdf()))
        embed_record(writer, data, proof_files, title, _("Article 17 compliance record: annual report"))
        out = io.BytesIO()
        writer.write(out)
    return BuiltReport(
        pdf=out.getvalue(),
        page_count=len(writer.pages),
        manifest=data,
        manifest_hash=digest,
        render_seconds=time.perf_counter() - started,
    )

"""Council submission packets: the compliance record and the documents, as one PDF.

A packet is built in four steps:

1. `collect()` reads what is in scope (a fiscal year's plan; a fiscal year's results and
   settlement; or everything forwarded in a date range) and the obligations derived for
   it (`compliance.register`), and raises `EmptyScope` when there is nothing to send.
2. `inspect_files()` reads every stored file of those documents: a PDF that is safe
   and within bounds is appended from the reader that inspected it; encrypted,
   unreadable, too heavy and non-PDF files are listed (and attached as embedded files),
   files with active content quarantined; never fatal.
3. `render_generated()` lays out the generated pages (cover, contents, legal basis,
   record, evaluation, funding, attachments, provenance) with WeasyPrint from
   templates/compliance/packets/, once: a marker page per appended document after them
   carries the page numbers of the appended documents and the total ("3 / 41") into the
   same layout. `render_stamps()` lays out the pieces of the appended pages' footers.
4. `merge()` appends each readable PDF in full with pypdf, bookmarks it, stamps the
   running footer on its pages (`merge.Footers`), embeds the other files and the manifest.

The **manifest** is a canonical JSON (sorted keys, fixed list order) of every input of
the packet: parameters, law text, obligations and their trails, documents with file
hashes, evaluations and funding figures. Its SHA-256 is printed on the provenance page
and embedded as manifest.json: the same data gives the same hash, whoever builds it and
whenever. Build time and builder are deliberately not in it.
"""

from __future__ import annotations

import datetime
import logging
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .. import register
from ..reviews import distinct_threads
from ..rules.kinds import PLAN_KINDS, RESULTS_KINDS

logger = logging.getLogger(__name__)

SCOPES = ("plan", "results", "range")
LANGUAGES = ("ko", "en")
# pypdf and WeasyPrint work in PostScript points.
A4_WIDTH, A4_HEIGHT = 595.2756, 841.8898


class PacketError(Exception):
    """A packet cannot be made from these inputs; the message is for the user."""


class InvalidRequest(PacketError):
    pass


class EmptyScope(PacketError):
    pass


@dataclass(frozen=True)
class PacketRequest:
    """What to put in a packet. `as_of` fixes every status and the legal text in force."""

    scope: str
    as_of: datetime.date
    fiscal_year: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    language: str = "ko"
    # What-if: the proposed amendment assumed in force from `what_if_from` (default: the
    # packet's day). Every page then says so (packet.html's watermark).
    what_if: bool = False
    what_if_from: datetime.date | None = None

    def validate(self):
        if self.scope not in SCOPES:
            raise InvalidRequest(_("Unknown scope: %(scope)s (plan, results or range).") % {"scope": self.scope})
        if self.language not in LANGUAGES:
            raise InvalidRequest(_("Unknown language: %(lang)s (ko or en).") % {"lang": self.language})
        if self.scope in ("plan", "results"):
            if self.fiscal_year is None:
                raise InvalidRequest(_("A fiscal year is required for this scope."))
            if self.date_from or self.date_to:
                raise InvalidRequest(_("A date range is only used with the range scope."))
        if self.fiscal_year is not None and not 2000 <= self.fiscal_year <= 2100:
            raise InvalidRequest(_("The fiscal year must be between 2000 and 2100."))
        if self.scope == "range":
            if not (self.date_from and self.date_to):
                raise InvalidRequest(_("The range scope needs a start and an end date."))
            if self.date_to < self.date_from:
                raise InvalidRequest(_("The end date is before the start date."))
        if self.what_if_from and not self.what_if:
            raise InvalidRequest(_("A date from which the amendment is assumed needs the what-if switch."))
        if self.what_if and self.what_if_from is None:
            object.__setattr__(self, "what_if_from", self.as_of)
        return self

    @property
    def params_key(self):
        parts = [self.scope]
        if self.fiscal_year is not None:
            parts.append(str(self.fiscal_year))
        if self.scope == "range":
            parts += [self.date_from.isoformat(), self.date_to.isoformat()]
        parts += [self.language, f"asof{self.as_of.isoformat()}"]
        if self.what_if:
            parts.append(f"whatif{(self.what_if_from or self.as_of).isoformat()}")
        return "-".join(parts)

    def as_manifest(self):
        return {
            "scope": self.scope,
            "fiscal_year": self.fiscal_year,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "language": self.language,
            "as_of": self.as_of.isoformat(),
            "what_if": self.what_if,
            "what_if_from": self.what_if_from.isoformat() if self.what_if and self.what_if_from else None,
        }


@dataclass
class FileEntry:
    """One stored file of a document in scope and what the packet does with it."""

    number: int
    document: object
    file: object
    disposition: str = ""  # appended / attached / encrypted / corrupt / missing
    note: str = ""
    page_count: int = 0
    first_page: int | None = None
    attachment_name: str = ""
    size: int = 0  # bytes of the stored file, as read and hashed by the inspection
    # Its stored original is embedded as an attached file (read from storage as the
    # packet is written, `pdf.spill`): files not appended, and a PDF the merge fails on.
    embedded: bool = False
    # An appended PDF whose original bytes are embedded too, for the offline verifier (`pdf.proofs`).
    original_embedded: bool = False

    @property
    def last_page(self):
        return self.first_page + self.page_count - 1 if self.first_page else None

    # In the generated pages, the numbers of the appended pages come from the layout itself
    # (CSS counters of this entry's marker page, see packet.html): one layout pass.
    @property
    def first_page_ref(self):
        return f'<a class="pageref first" href="#att-{self.number}"></a>'

    @property
    def last_page_ref(self):
        return f'<a class="pageref" href="#att-{self.number}"></a>'

    @property
    def is_appended(self):
        return self.disposition == "appended"

    def as_manifest(self):
        f = self.file
        return {
            "number": self.number,
            "document_id": self.document.pk,
            "name": f.original_name,
            "sha256": f.sha256,
            "size": f.size,
            "content_type": f.content_type,
            "disposition": self.disposition,
            "pages": self.page_count,
            "uploaded_at": f.uploaded_at.isoformat() if f.uploaded_at else None,
            "uploaded_by": f.uploaded_by.get_username() if f.uploaded_by_id else None,
        }


@dataclass
class PacketContent:
    request: PacketRequest
    history: object
    obligations: list
    records: list  # (obligation, trail rows) per duty in scope
    documents: list
    unmatched_items: list  # forwarded items with no receipt on record
    forwardings: list
    evaluations: list
    provisions: list
    proposed: list
    instrument: object
    committee: object
    council: object
    funding: list
    files: list = field(default_factory=list)
    # The city's review of the documents in scope, one thread per lineage, as of the
    # packet's date: information next to the statuses, never part of them.
    reviews: list = field(default_factory=list)
    # The transparency log's signed head the packet is proved against (`pdf.proofs`).
    log_head: dict | None = None


@dataclass
class BuiltPacket:
    """A built packet. The PDF is a temporary file at `path` (a packet holds whole uploaded
    documents: it is never in memory), removed when this object goes; keep it with
    `storage.store_file(path)` or copy it."""

    path: Path
    page_count: int
    generated_pages: int
    manifest: dict
    manifest_hash: str
    files: list
    render_seconds: float

    def __post_init__(self):
        weakref.finalize(self, self.path.unlink, missing_ok=True)

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def pdf(self) -> bytes:
        """The whole PDF in memory: for tests and small packets only."""
        return self.path.read_bytes()


# --- 1. What is in scope -----------------------------------------------------------------


def _kinds_for(scope):
    return {"plan": PLAN_KINDS, "results": RESULTS_KINDS}.get(scope, PLAN_KINDS + RESULTS_KINDS)


def collect(req: PacketRequest) -> PacketContent:
    """Everything the packet shows; `EmptyScope` if nothing was due, received or forwarded."""
    from ..models import (
        Document,
        DuesCollection,
        Evaluation,
        ForwardingItem,
        FundingYear,
        LegalInstrument,
        Party,
        SeoulSupport,
    )

    req.validate()
    reg = register.load()
    history = reg.history
    what_if = {"what_if": req.what_if, "what_if_from": req.what_if_from}
    items = list(
        ForwardingItem.objects.filter(forwarding__forwarded_on__lte=req.as_of)
        .select_related("forwarding")
        .order_by("forwarding__forwarded_on", "forwarding_id", "pk")
    )
    kinds = set(_kinds_for(req.scope))
    if req.scope in ("plan", "results"):
        fy = req.fiscal_year
        obligations = [
            o for o in reg.obligations(req.as_of, fiscal_year=fy, **what_if) if set(o.spec.document_kinds) <= kinds
        ]
        doc_ids = set(
            Document.objects.filter(fiscal_year=fy, kind__in=kinds, submission__received_on__lte=req.as_of).values_list(
                "pk", flat=True
            )
        )
        items = [i for i in items if i.fiscal_year == fy and i.kind in kinds]
    else:
        items = [i for i in items if req.date_from <= i.forwarding.forwarded_on <= req.date_to]
        if req.fiscal_year is not None:
            items = [i for i in items if i.fiscal_year == req.fiscal_year]
        named = {i.document_id for i in items if i.document_id}
        by_id = {
            d["pk"]: d
            for d in Document.objects.filter(pk__in=reg.lineage_ids(named)).values(
                "pk", "fiscal_year", "kind", "supersedes_id"
            )
        }
        doc_ids = set()
        for item in items:
            # A forwarded revision also fulfils the forwarding duty of what it supersedes.
            current = by_id.get(item.document_id)
            while current is not None and current["pk"] not in doc_ids:
                doc_ids.add(current["pk"])
                current = by_id.get(current["supersedes_id"])
        groups = {(by_id[i]["fiscal_year"], by_id[i]["kind"]) for i in doc_ids}
        years = sorted({fy for fy, _kind in groups})
        obligations = [
            o
            for o in (reg.obligations(req.as_of, fiscal_year__in=years, **what_if) if years else [])
            if (o.document is not None and o.document.id in doc_ids and o.spec.is_event_driven)
            or (not o.spec.is_event_driven and any((o.fiscal_year, k) in groups for k in o.spec.document_kinds))
        ]
    if not obligations and not doc_ids and not items:
        raise EmptyScope(_("Nothing is in this scope: no duty was due, no document was received or forwarded."))
    obligations.sort(key=lambda o: (o.spec.ordering, o.fiscal_year, o.trigger_date or o.due_date, o.key))
    records = [(o, reg.trail(o, req.as_of)) for o in obligations]
    documents = list(
        Document.objects.filter(pk__in=doc_ids)
        .select_related("submission__submitted_by")
        .prefetch_related("files__uploaded_by")
        .order_by("submission__received_on", "pk")
    )
    years = sorted({o.fiscal_year for o in obligations} | {d.fiscal_year for d in documents})
    evaluations = []
    if req.scope != "plan":
        evaluations = list(
            Evaluation.objects.filter(fiscal_year__in=years, evaluated_on__lte=req.as_of)
            .prefetch_related("documents")
            .order_by("fiscal_year", "evaluated_on", "pk")
        )
    article = reg.law_in_force(req.as_of)
    article.sort(key=lambda p: (int(p.paragraph) if p.paragraph.isdigit() else 0, p.pk))
    proposed = sorted(
        (p.row for p in history.provisions if p.article == "17" and p.is_proposed and p.row not in article),
        key=lambda p: (p.paragraph, p.pk),
    )
    instrument = LegalInstrument.objects.filter(pk=article[0].instrument_id).first() if article else None
    committee = reg.committee_on(req.as_of)
    council = Party.objects.filter(kind=Party.Kind.COUNCIL).order_by("pk").first()
    funding = _funding_rows(FundingYear.objects.all(), SeoulSupport.objects.all(), DuesCollection.objects.all())
    return PacketContent(
        request=req,
        history=history,
        obligations=obligations,
        records=records,
        documents=documents,
        unmatched_items=[i for i in items if i.document_id is None],
        forwardings=sorted({i.forwarding for i in items}, key=lambda f: (f.forwarded_on, f.pk)),
        evaluations=evaluations,
        provisions=article,
        proposed=proposed,
        instrument=instrument,
        committee=committee,
        council=council,
        funding=funding,
        reviews=[
            t for t in (t.as_of(req.as_of) for t in distinct_threads([d.pk for d in documents], reg.lineage_ids)) if t
        ],
    )


def _funding_rows(budget, support, dues):
    """One row per year with Seoul's support, dues, their ratio and the collection rate."""
    budget = {b.year: b for b in budget}
    support = {s.year: s for s in support}
    dues = {d.year: d for d in dues}
    rows = []
    for year in sorted(set(budget) | set(support) | set(dues)):
        b, s, d = budget.get(year), support.get(year), dues.get(year)
        ratio = None
        if b and b.seoul_support:
            ratio = round(100 * b.membership_dues / b.seoul_support, 1)
        rows.append(
            {
                "year": year,
                "total_budget": b.total_budget if b else None,
                "seoul_support": b.seoul_support if b else None,
                "contribution": s.amount if s else None,
                "membership_dues": b.membership_dues if b else None,
                "dues_to_support": ratio,
                "dues_ratio_stated": float(b.dues_ratio) if b and b.dues_ratio is not None else None,
                "targets": d.targets if d else None,
                "payers": d.payers if d else None,
                "collection_rate": float(d.rate) if d else None,
                "dues_collected": d.amount if d else None,
            }
        )
    return rows


# --- 2. The files ------------------------------------------------------------------------


def estimate_pages(content: PacketContent) -> int:
    """A cheap upper-bound guess of the packet's size, to decide request vs Celery task."""
    from pypdf import PdfReader

    from ..storage import open_blob

    pages = 8 + len(content.records) // 2
    for document in content.documents:
        for f in document.files.all():
            try:
                with open_blob(f.sha256) as fh:
                    pages += len(PdfReader(fh, strict=False).pages)
            except Exception:  # noqa: BLE001 - unreadable files are listed, not appended
                pages += 0
    return pages

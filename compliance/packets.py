"""Council submission packets: the compliance record and the documents, as one PDF.

A packet is built in four steps:

1. `collect()` reads what is in scope (a fiscal year's plan; a fiscal year's results and
   settlement; or everything forwarded in a date range) and the obligations derived for
   it (`compliance.obligations`), and raises `EmptyScope` when there is nothing to send.
2. `inspect_files()` reads every stored file of those documents: PDFs that open are
   re-written cleanly so they can be appended; encrypted or unreadable PDFs and non-PDF
   files are listed (and attached as embedded files), never appended, never fatal.
3. `render_generated()` lays out the generated pages (cover, contents, legal basis,
   record, evaluation, funding, attachments, provenance) with WeasyPrint from
   templates/compliance/packets/. Page numbers of the appended documents and the total
   ("3 / 41") depend on how many pages the generated part takes, so it is laid out a
   second time with the numbers of the first pass (more only if the count changes).
4. `merge()` appends each readable PDF in full with pypdf, bookmarks it, stamps the
   running footer on its pages, embeds the other files and the manifest.

The **manifest** is a canonical JSON (sorted keys, fixed list order) of every input of
the packet: parameters, law text, obligations and their trails, documents with file
hashes, evaluations and funding figures. Its SHA-256 is printed on the provenance page
and embedded as manifest.json: the same data gives the same hash, whoever builds it and
whenever. Build time and builder are deliberately not in it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .charts import Series, bar_chart
from .obligations import document_trail, load_history, obligations_as_of

logger = logging.getLogger(__name__)

PLAN_KINDS = ("plan_draft", "plan_final", "plan_revision")
RESULTS_KINDS = ("results", "settlement")
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
        return self

    @property
    def params_key(self):
        parts = [self.scope]
        if self.fiscal_year is not None:
            parts.append(str(self.fiscal_year))
        if self.scope == "range":
            parts += [self.date_from.isoformat(), self.date_to.isoformat()]
        parts += [self.language, f"asof{self.as_of.isoformat()}"]
        return "-".join(parts)

    def as_manifest(self):
        return {
            "scope": self.scope,
            "fiscal_year": self.fiscal_year,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "language": self.language,
            "as_of": self.as_of.isoformat(),
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
    data: bytes = field(default=b"", repr=False)  # clean PDF (appended) or raw bytes (attached)

    @property
    def last_page(self):
        return self.first_page + self.page_count - 1 if self.first_page else None

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


@dataclass
class BuiltPacket:
    pdf: bytes
    page_count: int
    generated_pages: int
    manifest: dict
    manifest_hash: str
    files: list
    render_seconds: float


# --- 1. What is in scope -----------------------------------------------------------------


def _kinds_for(scope):
    return {"plan": PLAN_KINDS, "results": RESULTS_KINDS}.get(scope, PLAN_KINDS + RESULTS_KINDS)


def collect(req: PacketRequest) -> PacketContent:
    """Everything the packet shows; `EmptyScope` if nothing was due, received or forwarded."""
    from .models import (
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
    history = load_history()
    everything = obligations_as_of(req.as_of, history=history)
    items = list(
        ForwardingItem.objects.select_related("forwarding").order_by("forwarding__forwarded_on", "forwarding_id", "pk")
    )
    items = [i for i in items if i.forwarding.forwarded_on <= req.as_of]
    kinds = set(_kinds_for(req.scope))
    if req.scope in ("plan", "results"):
        fy = req.fiscal_year
        obligations = [o for o in everything if o.fiscal_year == fy and set(o.rule.document_kinds) <= kinds]
        doc_ids = {
            d.id for d in history.documents if d.fiscal_year == fy and d.kind in kinds and d.received_on <= req.as_of
        }
        items = [i for i in items if i.fiscal_year == fy and i.kind in kinds]
    else:
        items = [i for i in items if req.date_from <= i.forwarding.forwarded_on <= req.date_to]
        if req.fiscal_year is not None:
            items = [i for i in items if i.fiscal_year == req.fiscal_year]
        by_id = history.documents_by_id()
        doc_ids = set()
        for item in items:
            # A forwarded revision also fulfils the forwarding duty of what it supersedes.
            current = by_id.get(item.document_id)
            while current is not None and current.id not in doc_ids:
                doc_ids.add(current.id)
                current = by_id.get(current.supersedes_id)
        groups = {(by_id[i].fiscal_year, by_id[i].kind) for i in doc_ids}
        obligations = [
            o
            for o in everything
            if (o.document is not None and o.document.id in doc_ids and o.rule.is_event_driven)
            or (not o.rule.is_event_driven and any((o.fiscal_year, k) in groups for k in o.rule.document_kinds))
        ]
    if not obligations and not doc_ids and not items:
        raise EmptyScope(_("Nothing is in this scope: no duty was due, no document was received or forwarded."))
    obligations.sort(key=lambda o: (o.rule.ordering, o.fiscal_year, o.trigger_date or o.due_date, o.key))
    records = [(o, document_trail(o, history, req.as_of)) for o in obligations]
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
    article = [
        p
        for p in history.provisions
        if p.article == "17" and p.is_in_force(req.as_of, history.provisions, False, history.tracking_start)
    ]
    article.sort(key=lambda p: (int(p.paragraph) if p.paragraph.isdigit() else 0, p.pk))
    proposed = sorted(
        (p for p in history.provisions if p.article == "17" and p.is_proposed and p not in article),
        key=lambda p: (p.paragraph, p.pk),
    )
    instrument = LegalInstrument.objects.filter(pk=article[0].instrument_id).first() if article else None
    committee = next(
        (
            p
            for p in Party.objects.filter(kind=Party.Kind.COMMITTEE, is_competent_committee=True).order_by("pk")
            if (p.effective_from is None or p.effective_from <= req.as_of)
            and (p.effective_to is None or req.as_of <= p.effective_to)
        ),
        None,
    )
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


def inspect_files(content: PacketContent) -> list[FileEntry]:
    """Read every file in scope; decide what the packet does with it. Never raises on a bad file."""
    from pypdf import PdfReader, PdfWriter

    from .storage import open_blob

    entries = []
    number = 0
    for document in content.documents:
        for f in sorted(document.files.all(), key=lambda f: (f.uploaded_at or datetime.datetime.min, f.pk)):
            number += 1
            entry = FileEntry(number=number, document=document, file=f)
            entries.append(entry)
            try:
                with open_blob(f.sha256) as fh:
                    raw = fh.read()
            except (OSError, ValueError):
                entry.disposition, entry.note = "missing", _("The stored file could not be read.")
                continue
            if hashlib.sha256(raw).hexdigest() != f.sha256:
                entry.disposition, entry.note = "corrupt", _("The stored file does not match its SHA-256.")
                continue
            entry.attachment_name = f"{number:02d}-{f.original_name}"
            looks_pdf = raw[:1024].lstrip().startswith(b"%PDF") or f.content_type == "application/pdf"
            if not looks_pdf:
                entry.disposition, entry.data = "attached", raw
                entry.note = _("Not a PDF: embedded in this packet as an attached file.")
                continue
            entry.data = raw  # attached as-is unless it can be appended
            try:
                reader = PdfReader(io.BytesIO(raw), strict=False)
                if reader.is_encrypted:
                    entry.disposition = "encrypted"
                    entry.note = _(
                        "Encrypted PDF: it cannot be appended; the original is embedded as an attached file."
                    )
                    continue
                writer = PdfWriter()
                writer.append(reader, import_outline=False)
                if len(writer.pages) == 0:
                    raise ValueError("no pages")
                clean = io.BytesIO()
                writer.write(clean)
                entry.data = clean.getvalue()
                entry.page_count = len(writer.pages)
                entry.disposition = "appended"
            except Exception as exc:  # noqa: BLE001 - any parser failure means "unreadable", never a crash
                logger.info("packet: unreadable PDF %s (%s): %s", f.original_name, f.sha256, exc)
                entry.disposition = "corrupt"
                entry.note = _("Damaged PDF: it cannot be read; the original is embedded as an attached file.")
    return entries


# --- The manifest ------------------------------------------------------------------------


def manifest(content: PacketContent) -> dict:
    """Every input of the packet as plain JSON values, in a fixed order."""
    req = content.request

    def day(value):
        return value.isoformat() if value else None

    return {
        "format": "wego-art17-packet/1",
        "request": req.as_manifest(),
        "law": [
            {"citation": p.citation, "version": p.version_label, "text_ko": p.text_ko, "text_en": p.text_en}
            for p in content.provisions
        ],
        "committee": content.committee.name_ko if content.committee else None,
        "obligations": [
            {
                **o.as_json(),
                "key": o.key,
                "reasons": [r.reason for r in o.reasons],
                "trail": [
                    {
                        "document_id": row["doc"].id,
                        "received_on": day(row["doc"].received_on),
                        "forwarded_on": day(row["forwarding"].forwarded_on) if row["forwarding"] else None,
                        "reported_on": day(row["report"].reported_on) if row["report"] else None,
                        "to_council_business_days": row["to_council_business_days"],
                        "to_committee_business_days": row["to_committee_business_days"],
                    }
                    for row in trail
                ],
            }
            for o, trail in content.records
        ],
        "documents": [
            {
                "id": d.pk,
                "title": d.title,
                "kind": d.kind,
                "fiscal_year": d.fiscal_year,
                "received_on": day(d.submission.received_on),
                "receipt_number": d.submission.receipt_number,
                "supersedes": d.supersedes_id,
            }
            for d in content.documents
        ],
        "unmatched_forwarded_items": [
            {"forwarded_on": day(i.forwarding.forwarded_on), "description": i.description, "kind": i.kind}
            for i in content.unmatched_items
        ],
        "files": [e.as_manifest() for e in content.files],
        "evaluations": [
            {
                "fiscal_year": e.fiscal_year,
                "evaluated_on": day(e.evaluated_on),
                "outcome": e.outcome,
                "summary": e.summary,
            }
            for e in content.evaluations
        ],
        "funding": content.funding,
    }


def manifest_bytes(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- 3. The generated pages --------------------------------------------------------------


def _context(content: PacketContent, manifest_hash: str, generated_pages: int, total_pages: int):
    req = content.request
    lang = req.language
    first = generated_pages + 1
    for entry in content.files:
        if entry.is_appended:
            entry.first_page = first
            first += entry.page_count
    funding = content.funding
    years = [r["year"] for r in funding]
    unit = _("thousand won")
    amounts_chart = bar_chart(
        _("Seoul support and membership dues"),
        years,
        [
            Series(_("Seoul support"), [r["seoul_support"] for r in funding]),
            Series(_("Membership dues"), [r["membership_dues"] for r in funding]),
        ],
        unit=unit,
    )
    rates_chart = bar_chart(
        _("Dues relative to Seoul support, and dues collection rate"),
        years,
        [
            Series(_("Dues ÷ Seoul support"), [r["dues_to_support"] for r in funding]),
            Series(_("Collection rate"), [r["collection_rate"] for r in funding]),
        ],
        unit="%",
    )
    titles = {
        "plan": _("Business plan of fiscal year %(fy)s") % {"fy": req.fiscal_year},
        "results": _("Business results and settlement of fiscal year %(fy)s") % {"fy": req.fiscal_year},
        "range": _("Documents forwarded from %(start)s to %(end)s")
        % {
            "start": req.date_from.isoformat() if req.date_from else "",
            "end": req.date_to.isoformat() if req.date_to else "",
        },
    }
    records = []
    cal = content.history.calendar
    for o, trail in content.records:
        late_business_days = None
        if not o.rule.is_event_driven and o.fulfilled_on and o.fulfilled_on > o.due_date:
            late_business_days = cal.business_days_between(o.due_date, o.fulfilled_on)
        records.append(
            {
                "o": o,
                "trail": trail,
                "steps": o.deadline.derivation(lang),
                "late_business_days": late_business_days,
            }
        )
    return {
        "lang": lang,
        "req": req,
        "title": titles[req.scope],
        "packet_id": f"WeGO-17-{req.scope}-{manifest_hash[:10]}",
        "records": records,
        "content": content,
        "files": content.files,
        "appended": [e for e in content.files if e.is_appended],
        "manifest_hash": manifest_hash,
        "generated_pages": generated_pages,
        "total_pages": total_pages,
        "amounts_chart": amounts_chart,
        "rates_chart": rates_chart,
        "font_family": settings.WEGO_PACKET_FONT_FAMILY,
    }


def render_generated(content: PacketContent, manifest_hash: str, progress=None):
    """Lay out the generated pages until their page numbers are consistent; returns (pdf, pages)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    appended = sum(e.page_count for e in content.files if e.is_appended)
    font_config = FontConfiguration()
    guess = 0
    for attempt in range(4):
        context = _context(content, manifest_hash, guess, guess + appended)
        html = render_to_string("compliance/packets/packet.html", context)
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=font_config)
        pages = len(document.pages)
        if progress:
            progress(30 + 15 * attempt, _("Laying out the generated pages"))
        if pages == guess:
            return document.write_pdf(), pages
        guess = pages
    raise PacketError("The page count of the generated pages does not settle.")


def _render_stamps(content: PacketContent, title, total_pages):
    """One A4 page per appended page, carrying only the running footer."""
    from weasyprint import HTML

    stamps = []
    for entry in content.files:
        if not entry.is_appended:
            continue
        for i in range(entry.page_count):
            stamps.append({"label": _("Attachment %(n)s") % {"n": entry.number}, "page": entry.first_page + i})
    if not stamps:
        return None
    html = render_to_string(
        "compliance/packets/stamps.html",
        {"stamps": stamps, "title": title, "total_pages": total_pages, "font_family": settings.WEGO_PACKET_FONT_FAMILY},
    )
    return HTML(string=html).write_pdf()


# --- 4. Merging --------------------------------------------------------------------------


def merge(content: PacketContent, generated: bytes, generated_pages: int, manifest_data: dict, title, progress=None):
    from pypdf import PdfReader, PdfWriter, Transformation

    total = generated_pages + sum(e.page_count for e in content.files if e.is_appended)
    writer = PdfWriter(clone_from=io.BytesIO(generated))
    stamps = _render_stamps(content, title, total)
    stamp_pages = PdfReader(io.BytesIO(stamps)).pages if stamps else []
    parent = None
    appended = [e for e in content.files if e.is_appended]
    stamp_index = 0
    for n, entry in enumerate(appended, 1):
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(entry.data)), import_outline=False)
        if parent is None:
            parent = writer.add_outline_item(title=_("Attached documents"), page_number=start)
        writer.add_outline_item(
            title=f"{_('Attachment %(n)s') % {'n': entry.number}}. {entry.document.title} ({entry.file.original_name})",
            page_number=start,
            parent=parent,
        )
        for page in writer.pages[start:]:
            stamp = stamp_pages[stamp_index]
            stamp_index += 1
            # Rotated pages would put the footer on a side edge: leave them unstamped.
            if page.rotation % 360:
                continue
            box = page.mediabox
            scale = float(box.width) / A4_WIDTH
            page.merge_transformed_page(
                stamp, Transformation().scale(scale, scale).translate(float(box.left), float(box.bottom))
            )
        if progress:
            progress(75 + int(20 * n / len(appended)), _("Appending the documents"))
    for entry in content.files:
        if entry.disposition in ("attached", "encrypted", "corrupt") and entry.data:
            writer.add_attachment(entry.attachment_name, entry.data)
    writer.add_attachment("manifest.json", manifest_bytes(manifest_data))
    writer.add_metadata(
        {
            "/Title": title,
            "/Subject": _("Article 17 council submission packet"),
            "/Keywords": f"manifest-sha256:{hashlib.sha256(manifest_bytes(manifest_data)).hexdigest()}",
            "/Creator": "WeGO Article 17 compliance tracker",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


# --- The whole build ---------------------------------------------------------------------


def build(req: PacketRequest, progress=None) -> BuiltPacket:
    """Build a packet; `progress(percent, note)` is called along the way."""
    started = time.perf_counter()
    with translation.override(req.language):
        if progress:
            progress(5, _("Collecting the record"))
        content = collect(req)
        if progress:
            progress(15, _("Reading the submitted files"))
        content.files = inspect_files(content)
        data = manifest(content)
        digest = hashlib.sha256(manifest_bytes(data)).hexdigest()
        generated, generated_pages = render_generated(content, digest, progress)
        title = _context(content, digest, generated_pages, 0)["title"]
        if progress:
            progress(75, _("Appending the documents"))
        pdf, pages = merge(content, generated, generated_pages, data, title, progress)
    return BuiltPacket(
        pdf=pdf,
        page_count=pages,
        generated_pages=generated_pages,
        manifest=data,
        manifest_hash=digest,
        files=content.files,
        render_seconds=time.perf_counter() - started,
    )


# --- Kept builds (PacketBuild) -----------------------------------------------------------


def estimate_pages(content: PacketContent) -> int:
    """A cheap upper-bound guess of the packet's size, to decide request vs Celery task."""
    from pypdf import PdfReader

    from .storage import open_blob

    pages = 8 + len(content.records) // 2
    for document in content.documents:
        for f in document.files.all():
            try:
                with open_blob(f.sha256) as fh:
                    pages += len(PdfReader(fh, strict=False).pages)
            except Exception:  # noqa: BLE001 - unreadable files are listed, not appended
                pages += 0
    return pages


def request_from_build(build) -> PacketRequest:
    return PacketRequest(
        scope=build.scope,
        as_of=build.as_of,
        fiscal_year=build.fiscal_year,
        date_from=build.date_from,
        date_to=build.date_to,
        language=build.language,
    )


def do_request_packet(user, req: PacketRequest):
    """Record a new version of the packet for `req`; (build, estimated pages).

    Raises `InvalidRequest`/`EmptyScope` before anything is saved. The caller builds it
    now (`run_build`) or queues `compliance.tasks.build_packet` on commit.
    """
    from django.db import IntegrityError, transaction
    from django.db.models import Max

    from .models import PacketBuild

    with translation.override(req.language):
        content = collect(req.validate())
    estimate = estimate_pages(content)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = PacketBuild.objects.filter(params_key=req.params_key).aggregate(v=Max("version"))["v"]
                build = PacketBuild.objects.create(
                    scope=req.scope,
                    fiscal_year=req.fiscal_year,
                    date_from=req.date_from,
                    date_to=req.date_to,
                    language=req.language,
                    as_of=req.as_of,
                    params_key=req.params_key,
                    version=(latest or 0) + 1,
                    requested_by=user if getattr(user, "is_authenticated", False) else None,
                )
            return build, estimate
        except IntegrityError:  # two requests took the same version number; take the next
            continue
    raise PacketError(_("The packet could not be recorded; please try again."))


def run_build(build_id: int):
    """Build a queued packet and keep the PDF. Idempotent: only a queued build is claimed."""
    from django.utils import timezone

    from .models import PacketBuild
    from .storage import store_bytes

    builds = PacketBuild.objects.filter(pk=build_id)
    # Claim with a conditional update that must change exactly one row, so a task
    # delivered twice builds once.
    if (
        builds.filter(state=PacketBuild.State.QUEUED).update(
            state=PacketBuild.State.RUNNING, started_at=timezone.now(), progress=1
        )
        != 1
    ):
        return builds.first()
    build = builds.get()

    def progress(percent, note):
        builds.update(progress=min(percent, 99), progress_note=str(note)[:200])

    try:
        built = build_packet_pdf(request_from_build(build), progress)
    except PacketError as exc:
        builds.update(state=PacketBuild.State.FAILED, error=str(exc), finished_at=timezone.now())
        return builds.get()
    except Exception:
        logger.exception("packet build %s failed", build_id)
        with translation.override(build.language):
            message = _("The packet could not be built because of an internal error; it has been logged.")
        builds.update(state=PacketBuild.State.FAILED, error=message, finished_at=timezone.now())
        return builds.get()
    sha256, size, _created = store_bytes(built.pdf)
    builds.update(
        state=PacketBuild.State.DONE,
        progress=100,
        progress_note="",
        sha256=sha256,
        size=size,
        page_count=built.page_count,
        manifest_hash=built.manifest_hash,
        finished_at=timezone.now(),
    )
    return builds.get()


# The name the rest of the app uses; `build` reads well inside this module.
build_packet_pdf = build

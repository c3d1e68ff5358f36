"""Step 3 of a packet: the generated pages, laid out with WeasyPrint from
templates/compliance/packets/."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..charts import Series, bar_chart
from ..display import MONTHS_EN, format_date
from . import proofs
from .content import PacketContent, PacketError

logger = logging.getLogger(__name__)


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
            "start": format_date(req.date_from, req.language),
            "end": format_date(req.date_to, req.language),
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
    # One marker page per appended document after the generated pages (packet.html): its
    # page counter skips the document's pages, attfirst those of the one before it.
    markers, after = [], 1
    for entry in content.files:
        if entry.is_appended:
            markers.append({"number": entry.number, "pages": entry.page_count, "after": after})
            after = entry.page_count
    title = titles[req.scope]
    what_if_label = ""
    if req.what_if:
        # Never passes as the official packet: the title, every page (watermark, stamped
        # onto the appended pages too) and the file name say it is a what-if.
        what_if_label = what_if_watermark(req.what_if_from or req.as_of)
        title = _("[What-if] %(title)s") % {"title": title}
    return {
        "lang": lang,
        "req": req,
        "title": title,
        "what_if_label": what_if_label,
        "packet_id": f"WeGO-17-{req.scope}-{manifest_hash[:10]}",
        "records": records,
        "content": content,
        "files": content.files,
        "appended": [e for e in content.files if e.is_appended],
        "markers": markers,
        "manifest_hash": manifest_hash,
        "log_head": content.log_head,
        "verify_url": proofs.verify_url(),
        "generated_pages": generated_pages,
        "total_pages": total_pages,
        "amounts_chart": amounts_chart,
        "rates_chart": rates_chart,
        "font_family": settings.WEGO_PACKET_FONT_FAMILY,
    }


def what_if_watermark(day) -> str:
    """ "가정 — 개정안 시행 가정(2026. 11. 27.부터)" / "What-if — amendment assumed in force
    (from 27 November 2026)", in the active language."""
    from django.utils.translation import get_language

    if (get_language() or "ko").startswith("en"):
        text_day = f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    else:
        text_day = f"{day.year}. {day.month}. {day.day}."
    return _("What-if — amendment assumed in force (from %(day)s)") % {"day": text_day}


def marker_pages(content: PacketContent) -> int:
    """How many marker pages follow the generated ones: one per appended document (packet.html)."""
    return sum(1 for e in content.files if e.is_appended)


def render_generated(content: PacketContent, manifest_hash: str, progress=None):
    """Lay out the generated pages once; returns (pdf, generated pages).

    Every page number, the total and the contents' references to the appended documents
    (CSS counters and target-counter) come from this single layout: after the generated
    pages comes a blank marker page per appended document, whose counters skip its pages
    (never a page per appended page). `merge()` drops them and points their links to the
    appended documents.
    """
    from weasyprint import HTML

    html = render_to_string("compliance/packets/packet.html", _context(content, manifest_hash, 0, 0))
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    generated_pages = len(document.pages) - marker_pages(content)
    if generated_pages < 1:
        raise PacketError("The generated pages did not lay out.")
    if progress:
        progress(60, _("Laying out the generated pages"))
    return document.write_pdf(), generated_pages


@dataclass
class StampSheet:
    """What the appended pages' footers are drawn from (`merge.Footers`), laid out by
    WeasyPrint in the packet's font and footer style: a page with one piece where the
    footer goes (its baseline and colour), the what-if mark's page if any, then every
    piece of text, a line each."""

    pdf: bytes
    total: int  # pages in the packet
    mark: int | None  # page of the what-if mark, if any
    digits: list  # lines of "0" … "9"
    slash: int  # line of " / "
    labels: dict  # attachment number -> line of "title · Attachment n · "
    widths: list  # width of each line's text, in CSS px


def render_stamps(content: PacketContent, title: str, generated_pages: int) -> StampSheet | None:
    """The pieces of the appended pages' footers: "title · Attachment n · " once per appended
    document, the digits and " / ", and the what-if mark. A footer ("… · Attachment 2 ·
    17 / 61", as the running footer of the generated pages would read there) is put
    together from them, so this layout costs the same whether the documents have 5 pages
    or 500."""
    from weasyprint import HTML

    appended = [e for e in content.files if e.is_appended]
    if not appended:
        return None
    req = content.request
    what_if_label = what_if_watermark(req.what_if_from or req.as_of) if req.what_if else ""
    pieces = [str(d) for d in range(10)] + [" / "]
    pieces += [f"{title} · {_('Attachment %(n)s') % {'n': e.number}} · " for e in appended]
    html = render_to_string(
        "compliance/packets/stamps.html",
        {
            "lang": req.language,
            "pieces": pieces,
            "what_if_label": what_if_label,
            "font_family": settings.WEGO_PACKET_FONT_FAMILY,
        },
    )
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    lines_from = 2 if what_if_label else 1
    widths = [width for page in document.pages[lines_from:] for width in _line_widths(page._page_box)]
    if len(widths) != len(pieces):
        raise PacketError("The footers of the appended pages did not lay out.")
    return StampSheet(
        pdf=document.write_pdf(),
        total=generated_pages + sum(e.page_count for e in appended),
        mark=1 if what_if_label else None,
        digits=list(range(10)),
        slash=10,
        labels={e.number: 11 + i for i, e in enumerate(appended)},
        widths=widths,
    )


def _line_widths(page_box) -> list:
    """The width of the text of each line of a laid-out page, in order: from the left of
    its first glyph to the right of its last."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    def texts(box):
        if isinstance(box, TextBox):
            yield box
        for child in getattr(box, "children", ()):
            yield from texts(child)

    widths, stack = [], [page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, LineBox):
            spans = [(t.position_x, t.position_x + t.width) for t in texts(box)]
            if spans:
                widths.append(max(end for _start, end in spans) - min(start for start, _end in spans))
            continue
        stack.extend(reversed(getattr(box, "children", ())))
    return widths

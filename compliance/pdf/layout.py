"""Step 3 of a packet: the generated pages, laid out with WeasyPrint from
templates/compliance/packets/."""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ..charts import Series, bar_chart
from ..display import MONTHS_EN, format_date
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
        "manifest_hash": manifest_hash,
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
    """How many marker pages follow the generated ones: one where each appended document
    starts and, if it has more than one page, one where it ends (packet.html)."""
    return sum(1 if e.page_count == 1 else 2 for e in content.files if e.is_appended)


def render_generated(content: PacketContent, manifest_hash: str, progress=None):
    """Lay out the generated pages once; returns (pdf, generated pages).

    Every page number, the total and the contents' references to the appended documents
    (CSS counters and target-counter) come from this single layout: after the generated
    pages come blank marker pages where each appended document starts and ends, the page
    counter skipping its pages in between: a page or two per document, never one per
    appended page. `merge()` drops them and points their links to the appended pages.
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


def render_stamps(content: PacketContent, title: str, generated_pages: int):
    """The footers of the appended pages (and the what-if mark), one small page each, to be
    stamped onto them by `merge()`: "title · Attachment n · 17 / 61", as the running footer
    of the generated pages would read there. Positioned text on otherwise empty pages, no
    margin boxes and no counters: the numbers are known once the generated pages are."""
    from weasyprint import HTML

    appended = [e for e in content.files if e.is_appended]
    total = generated_pages + sum(e.page_count for e in appended)
    footers = []
    number = generated_pages
    for entry in appended:
        label = _("Attachment %(n)s") % {"n": entry.number}
        for _page in range(entry.page_count):
            number += 1
            footers.append(f"{title} · {label} · {number} / {total}")
    if not footers:
        return b""
    req = content.request
    html = render_to_string(
        "compliance/packets/stamps.html",
        {
            "lang": req.language,
            "footers": footers,
            "what_if_label": what_if_watermark(req.what_if_from or req.as_of) if req.what_if else "",
            "font_family": settings.WEGO_PACKET_FONT_FAMILY,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

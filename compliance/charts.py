"""Vector charts as inline SVG, drawn on the server.

The same functions serve the funding page (no JavaScript, nothing fetched) and the PDF
packet (WeasyPrint draws SVG as vectors). Inputs are plain numbers; output is markup
with a <title> and <desc> for screen readers.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

PALETTE = ("#256ef4", "#f59e0b", "#10b981", "#dc2626")


@dataclass(frozen=True)
class Series:
    label: str
    values: list  # one number (or None) per category


def _fmt(value):
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def bar_chart(title, categories, series, unit="", width=640, height=320, description=""):
    """Grouped bars, one group per category; returns safe SVG markup."""
    left, right, top, bottom = 72, 16, 40, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for s in series for v in s.values if v is not None] or [1]) or 1
    step = _nice_step(peak / 4)
    ymax = step * (int(peak / step) + 1)
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.7 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Pretendard GOV, NanumGothic, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description or _describe(categories, series, unit))}</desc>",
        f'<text x="{left}" y="20" font-size="14" font-weight="700" fill="#1e2124">{escape(title)}</text>',
    ]
    for i in range(0, 5):
        value = step * i
        if value > ymax:
            break
        y = top + plot_h - plot_h * value / ymax
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d6d9dd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#464c53">{_fmt(value)}</text>')
    for ci, category in enumerate(categories):
        gx = left + group_w * ci + group_w * 0.15
        for si, s in enumerate(series):
            value = s.values[ci]
            if value is None:
                continue
            h = plot_h * value / ymax
            x, y = gx + bar_w * si, top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="{PALETTE[si % 4]}">'
                f"<title>{escape(str(category))} {escape(s.label)}: {_fmt(value)}{escape(unit)}</title></rect>"
            )
        parts.append(
            f'<text x="{left + group_w * ci + group_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="#1e2124">{escape(str(category))}</text>'
        )
    lx = left
    for si, s in enumerate(series):
        parts.append(f'<rect x="{lx}" y="{height - 18}" width="10" height="10" fill="{PALETTE[si % 4]}"/>')
        parts.append(f'<text x="{lx + 14}" y="{height - 9}" fill="#1e2124">{escape(s.label)}</text>')
        lx += 24 + 8 * len(s.label) + 40
    if unit:
        parts.append(f'<text x="{width - right}" y="20" text-anchor="end" fill="#464c53">({escape(unit)})</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _nice_step(raw):
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _describe(categories, series, unit):
    return "; ".join(
        f"{s.label}: " + ", ".join(f"{c} {_fmt(v)}{unit}" for c, v in zip(categories, s.values, strict=True))
        for s in series
    )


def trend_chart(title, categories, series, unit="%", ymax=100, description=""):
    """Lines across the categories (fiscal years), one per series, on a narrow canvas that
    stays legible on a phone (it scales down to the screen's width, never below 11 px text
    at 390 px). A missing value (None) breaks the line; every point has its <title>."""
    width, height = 360, 260
    left, right, top = 40, 24, 34
    legend_h = 18 * len(series)
    plot_w, plot_h = width - left - right, height - top - 30 - legend_h
    step_x = plot_w / max(len(categories) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--trend" role="img" viewBox="0 0 {width} {height}" '
        f'font-family="Pretendard GOV, NanumGothic, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(description or _describe(categories, series, unit))}</desc>",
        f'<text x="4" y="18" font-size="13" font-weight="700" fill="#1e2124">{escape(title)}</text>',
    ]
    for value in range(0, ymax + 1, ymax // 4):
        y = top + plot_h - plot_h * value / ymax
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d6d9dd"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#464c53">{value}{escape(unit)}</text>'
        )
    for ci, category in enumerate(categories):
        x = left + step_x * ci if len(categories) > 1 else left + plot_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#1e2124">{escape(str(category))}</text>'
        )
    dashes = ("", ' stroke-dasharray="6 3"', ' stroke-dasharray="2 3"', "")
    for si, s in enumerate(series):
        colour = PALETTE[si % 4]
        points = []
        for ci, value in enumerate(s.values):
            x = left + step_x * ci if len(categories) > 1 else left + plot_w / 2
            if value is None:
                points.append(None)
                continue
            points.append((x, top + plot_h - plot_h * value / ymax, categories[ci], value))
        run = []
        for point in [*points, None]:
            if point is None:
                if len(run) > 1:
                    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, *_ in run)
                    parts.append(
                        f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashes[si % 4]}/>'
                    )
                run = []
            else:
                run.append(point)
        for point in points:
            if point is not None:
                x, y, category, value = point
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(str(category))} '
                    f"{escape(s.label)}: {_fmt(value)}{escape(unit)}</title></circle>"
                )
        ly = height - legend_h + 18 * si + 4
        parts.append(
            f'<line x1="4" y1="{ly:.1f}" x2="24" y2="{ly:.1f}" stroke="{colour}" stroke-width="3"{dashes[si % 4]}/>'
        )
        parts.append(f'<text x="30" y="{ly + 4:.1f}" fill="#1e2124">{escape(s.label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))

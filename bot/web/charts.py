"""Bar charts drawn on the server: SVG for the page, PNG for mail.

No JavaScript and no plotting library: a bar chart is a handful of rectangles and
labels. Every bar carries its value as text (a chart must not need colour or hover to
be read), and the SVG has a title and description for screen readers; the page also
shows the same figures as a table.

For the weekly summary mail: ``sla_chart_png(rows)`` (mail clients show PNG; many do
not show SVG) from :func:`bot.sla.figures` rows, e.g. as an inline ``cid:`` part or a
``data:`` URI in ``body_html``. ``sla_chart_svg(rows)`` is the same chart as SVG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from bot.sla import ALL, SlaRow

INK = "#0b0c0c"
BAR = "#1d70b8"
GRID = "#b1b4b6"
MUTED = "#505a5f"
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # None: no figure (drawn as "no data", not as zero)
    text: str  # the value as people read it: "83%", "4.5", "12"


def month_label(month: str) -> str:
    year, mon = month.split("-")
    return date(int(year), int(mon), 1).strftime("%b %Y")


def months_between(first: date, last: date) -> list[str]:
    """Every month from ``first``'s to ``last``'s as "YYYY-MM" (a chart shows quiet months too)."""
    out, index = [], first.year * 12 + first.month - 1
    while index <= last.year * 12 + last.month - 1:
        out.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += 1
    return out


def _by_month(rows: Iterable[SlaRow], months: Sequence[str] | None) -> list[tuple[str, SlaRow | None]]:
    found = {r.month: r for r in rows if r.service == ALL}
    return [(m, found.get(m)) for m in (months if months is not None else sorted(found))]


def share_bars(rows: Iterable[SlaRow], months: Sequence[str] | None = None) -> list[Bar]:
    return [Bar(month_label(m), None if r is None or r.share_in_target is None else r.share_in_target * 100,
                "-" if r is None else r.share_text) for m, r in _by_month(rows, months)]


def median_bars(rows: Iterable[SlaRow], months: Sequence[str] | None = None) -> list[Bar]:
    return [Bar(month_label(m), None if r is None else r.median_working_days,
                "-" if r is None or r.median_working_days is None else f"{r.median_working_days:g}") for m, r in _by_month(rows, months)]


def count_bars(counts: dict[str, int], names: dict[str, str]) -> list[Bar]:
    return [Bar(names.get(k, k), float(v), str(v)) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _nice_max(values: Sequence[float], floor: float) -> float:
    """A top for the axis whose quarters are round numbers (gridlines at 0, ¼, ½, ¾, 1)."""
    top = max([floor, *values])
    scale = 1.0
    while scale * 10 * 4 < top:
        scale *= 10
    for quarter in (0.25, 0.5, 1, 2, 2.5, 5, 10):
        if quarter * scale * 4 >= top:
            return quarter * scale * 4
    return top


def column_chart_svg(bars: Sequence[Bar], *, title: str, description: str, chart_id: str, y_max: float | None = None,
                     y_suffix: str = "", width: int = 560, height: int = 280) -> str:
    """Vertical bars, one per month (or category), value printed above each bar."""
    left, right, top, bottom = 52, 12, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [b.value for b in bars if b.value is not None]
    ymax = y_max if y_max is not None else _nice_max(values, 1.0)
    out = [_svg_open(width, height, chart_id, title, description)]
    for i in range(5):  # gridlines and y-axis labels
        v = ymax * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13" fill="{MUTED}">{v:g}{escape(y_suffix)}</text>')
    n = max(1, len(bars))
    slot = plot_w / n
    bar_w = min(56.0, slot * 0.6)
    for i, bar in enumerate(bars):
        cx = left + slot * (i + 0.5)
        if bar.value is None:
            out.append(f'<text class="mq-bar-value mq-bar-value--none" x="{cx:.1f}" y="{top + plot_h - 6:.1f}" text-anchor="middle" font-size="13" fill="{MUTED}">none</text>')
        else:
            h = plot_h * min(bar.value, ymax) / ymax if ymax else 0
            y = top + plot_h - h
            out.append(f'<rect class="mq-bar" x="{cx - bar_w / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(h, 1):.1f}" fill="{BAR}">'
                       f'<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>')
            out.append(f'<text class="mq-bar-value" x="{cx:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="15" font-weight="bold" fill="{INK}">{escape(bar.text)}</text>')
        out.append(f'<text class="mq-bar-label" x="{cx:.1f}" y="{height - bottom + 20:.1f}" text-anchor="middle" font-size="13" fill="{INK}">{escape(bar.label)}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    out.append("</svg>")
    return "".join(out)


def row_chart_svg(bars: Sequence[Bar], *, title: str, description: str, chart_id: str, width: int = 560) -> str:
    """Horizontal bars, one per service, the count at the end of each bar."""
    label_w, right, row_h, top = 210, 48, 28, 8
    height = top * 2 + row_h * max(1, len(bars))
    plot_w = width - label_w - right
    values = [b.value for b in bars if b.value is not None]
    vmax = max(values) if values else 1.0
    out = [_svg_open(width, height, chart_id, title, description)]
    if not bars:
        out.append(f'<text x="{width / 2:.0f}" y="{top + 18}" text-anchor="middle" font-size="14" fill="{MUTED}">None</text>')
    for i, bar in enumerate(bars):
        y = top + i * row_h
        label = bar.label if len(bar.label) <= 30 else bar.label[:29] + "…"
        out.append(f'<text class="mq-bar-label" x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="14" fill="{INK}">{escape(label)}</text>')
        w = plot_w * (bar.value or 0) / vmax if vmax else 0
        out.append(f'<rect class="mq-bar" x="{label_w}" y="{y + 5}" width="{max(w, 1):.1f}" height="{row_h - 10}" fill="{BAR}">'
                   f'<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>')
        out.append(f'<text class="mq-bar-value" x="{label_w + max(w, 1) + 6:.1f}" y="{y + 18}" font-size="15" font-weight="bold" fill="{INK}">{escape(bar.text)}</text>')
    out.append("</svg>")
    return "".join(out)


def _svg_open(width: int, height: int, chart_id: str, title: str, description: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="mq-chart" id={quoteattr(chart_id)} viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{FONT}">'
            f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>')


def sla_chart_svg(rows: Iterable[SlaRow], chart_id: str = "share-chart", months: Sequence[str] | None = None) -> str:
    bars = share_bars(rows, months)
    return column_chart_svg(bars, title="Share of cases answered within target, by month of receipt",
                            description=_describe(bars), chart_id=chart_id, y_max=100, y_suffix="%")


def _describe(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{b.label}: {b.text}" for b in bars) or "No cases in this period."


# --- PNG (mail) ----------------------------------------------------------------------------
def sla_chart_png(rows: Iterable[SlaRow], width: int = 640, height: int = 300, months: Sequence[str] | None = None) -> bytes:
    """The share-within-target chart as PNG bytes (Pillow; its built-in font)."""
    return column_chart_png(share_bars(rows, months), title="Answered within target, by month", y_max=100, y_suffix="%",
                            width=width, height=height)


def column_chart_png(bars: Sequence[Bar], *, title: str, y_max: float | None = None, y_suffix: str = "",
                     width: int = 640, height: int = 300) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    scale = 2  # drawn at twice the size so it stays sharp on high-density screens
    w, h = width * scale, height * scale
    image = Image.new("RGB", (w, h), "#ffffff")
    draw = ImageDraw.Draw(image)
    font = _font(ImageFont, 12 * scale)
    bold = _font(ImageFont, 13 * scale)
    left, right, top, bottom = 48 * scale, 12 * scale, 36 * scale, 44 * scale
    plot_w, plot_h = w - left - right, h - top - bottom
    draw.text((left, 8 * scale), title, fill=INK, font=_font(ImageFont, 15 * scale))
    values = [b.value for b in bars if b.value is not None]
    ymax = y_max if y_max is not None else _nice_max(values, 1.0)
    for i in range(5):
        v = ymax * i / 4
        y = top + plot_h - plot_h * i / 4
        draw.line([(left, y), (w - right, y)], fill=GRID, width=scale)
        draw.text((left - 6 * scale, y), f"{v:g}{y_suffix}", fill=MUTED, font=font, anchor="rm")
    n = max(1, len(bars))
    slot = plot_w / n
    bar_w = min(56 * scale, slot * 0.6)
    for i, bar in enumerate(bars):
        cx = left + slot * (i + 0.5)
        if bar.value is None:
            draw.text((cx, top + plot_h - 8 * scale), "none", fill=MUTED, font=font, anchor="mb")
        else:
            bh = plot_h * min(bar.value, ymax) / ymax if ymax else 0
            y = top + plot_h - bh
            draw.rectangle([cx - bar_w / 2, y, cx + bar_w / 2, top + plot_h], fill=BAR)
            draw.text((cx, y - 4 * scale), bar.text, fill=INK, font=bold, anchor="mb")
        draw.text((cx, h - bottom + 10 * scale), bar.label, fill=INK, font=font, anchor="mt")
    draw.line([(left, top + plot_h), (w - right, top + plot_h)], fill=INK, width=scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _font(image_font, size: int):  # type: ignore[no-untyped-def]
    try:
        return image_font.load_default(size=size)  # Pillow >= 10.1 with FreeType
    except TypeError:  # pragma: no cover - older Pillow: a fixed bitmap font
        return image_font.load_default()

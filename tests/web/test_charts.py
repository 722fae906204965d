"""The chart images: what the SLA page draws and what the weekly summary mail can embed."""

from __future__ import annotations

import io
import re
from datetime import date

from bot.sla import SlaRow
from bot.web.charts import months_between, sla_chart_png, sla_chart_svg


def row(month: str, share: float | None, service: str = "") -> SlaRow:
    return SlaRow(month=month, service=service, received=10, answered=8, answered_in_target=6, overdue_open=1,
                  share_in_target=share, median_working_days=4.0)


def test_svg_labels_every_month_and_prints_each_value() -> None:
    rows = [row("2026-09", 0.75), row("2026-11", None), row("2026-11", 0.5, service="planning")]
    svg = sla_chart_svg(rows, months=months_between(date(2026, 8, 1), date(2026, 11, 20)))
    assert re.findall(r'class="mq-bar-label"[^>]*>([^<]+)<', svg) == ["Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026"]
    assert re.findall(r'class="mq-bar-value[^"]*"[^>]*>([^<]+)<', svg) == ["none", "75%", "none", "none"]
    assert 'role="img"' in svg and "<title id=\"share-chart-title\">" in svg and "Sep 2026: 75%" in svg


def test_svg_escapes_text() -> None:
    from bot.web.charts import Bar, row_chart_svg

    svg = row_chart_svg([Bar("<script>&", 3.0, "3")], title="t<", description="d&", chart_id="c")
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg


def test_png_for_the_weekly_mail() -> None:
    from PIL import Image

    png = sla_chart_png([row("2026-10", 0.8), row("2026-11", 0.6)], width=640, height=300)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1280, 600)  # drawn at 2x for sharp screens
    assert len(png) < 60_000

"""Service-level figures from the store, and the weekly summary to Democratic Services.

The figures are plain functions of case rows so that the dashboard can reuse them:

- :func:`load_cases` reads the few columns needed (one query),
- :func:`figures` turns them into one :class:`SlaRow` per month of receipt and service
  plus an all-services row per month (pure: no database, easy to test),
- :func:`overdue_now` counts open cases past due today, per service.

Definitions (stated once, here):

- A case's *month* is the month of its day of receipt (the working day the clock starts).
- *Answered within target*: answered on or before its due date (council-local dates).
- *Share within target* = answered within target ÷ (answered + still open and already
  overdue). Open cases not yet due are left out: they have not met or missed anything.
- *Working days to answer*: working days after the day of receipt up to and including
  the day answered, with the council's bank holidays and closure days.
- *Overdue*: open or in triage, due date before today.
"""

from __future__ import annotations

import base64

import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import select

from bot.actions.render import Renderer
from bot.delivery import delivery_for
from bot.config import Config
from rules.workdays import WorkingCalendar
from storage.models import Case, OutboxItem
from storage.store import Store, idempotency_key

log = logging.getLogger("mqtriage.sla")

ALL = ""  # the service value of the all-services row
OPEN = ("open", "triage")


@dataclass(frozen=True, slots=True)
class CaseFact:
    service: str
    status: str
    day_of_receipt: date
    due: date | None
    answered_on: date | None  # council-local date


@dataclass(frozen=True, slots=True)
class SlaRow:
    month: str  # "2026-11"
    service: str  # "" for all services
    received: int
    answered: int
    answered_in_target: int
    overdue_open: int
    share_in_target: float | None  # None when nothing has met or missed its target yet
    median_working_days: float | None

    @property
    def share_text(self) -> str:
        return "-" if self.share_in_target is None else f"{self.share_in_target:.0%}"


def load_cases(store: Store, config: Config, since: date | None = None) -> list[CaseFact]:
    calendar = WorkingCalendar.from_config(config.council)
    q = select(Case.service, Case.status, Case.day_of_receipt, Case.received, Case.due, Case.answered_at).where(Case.mailbox == config.mailbox.address)
    if since is not None:
        q = q.where((Case.day_of_receipt >= since) | (Case.status.in_(OPEN)))
    with store.session() as s:
        rows = s.execute(q).all()
    facts = []
    for service, status, day, received, due, answered_at in rows:
        day = day or calendar.day_of_receipt(received)
        answered_on = calendar.local(answered_at).date() if answered_at else None
        facts.append(CaseFact(service or "", status, day, due, answered_on))
    return facts


def figures(facts: Iterable[CaseFact], calendar: WorkingCalendar, today: date, since: date | None = None) -> list[SlaRow]:
    """One row per (month, service) and per month for all services, oldest month first."""
    groups: dict[tuple[str, str], list[CaseFact]] = defaultdict(list)
    for fact in facts:
        if since is not None and fact.day_of_receipt < since:
            continue
        month = fact.day_of_receipt.strftime("%Y-%m")
        groups[(month, fact.service)].append(fact)
        groups[(month, ALL)].append(fact)
    rows = [_row(month, service, group, calendar, today) for (month, service), group in groups.items()]
    return sorted(rows, key=lambda r: (r.month, r.service != ALL, r.service))


def _row(month: str, service: str, group: list[CaseFact], calendar: WorkingCalendar, today: date) -> SlaRow:
    answered = [f for f in group if f.answered_on is not None]
    in_target = [f for f in answered if f.due is not None and f.answered_on <= f.due]  # type: ignore[operator]
    overdue = [f for f in group if f.answered_on is None and f.status in OPEN and f.due is not None and f.due < today]
    decided = len(answered) + len(overdue)
    days = [calendar.working_days_between(f.day_of_receipt, f.answered_on) for f in answered]  # type: ignore[arg-type]
    return SlaRow(
        month=month, service=service, received=len(group), answered=len(answered), answered_in_target=len(in_target),
        overdue_open=len(overdue), share_in_target=(len(in_target) / decided) if decided else None,
        median_working_days=float(statistics.median(days)) if days else None,
    )


def overdue_now(facts: Iterable[CaseFact], today: date) -> dict[str, int]:
    """Open cases past due today, per service (every month of receipt)."""
    counts: dict[str, int] = defaultdict(int)
    for f in facts:
        if f.answered_on is None and f.status in OPEN and f.due is not None and f.due < today:
            counts[f.service or "-"] += 1
    return dict(sorted(counts.items()))


def months_back(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s month."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


# --- the weekly summary -------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    today: date
    since: date
    facts: list["CaseFact"]
    rows: list["SlaRow"]


def summary_figures(config: Config, store: Store, now: datetime) -> Summary:
    calendar = WorkingCalendar.from_config(config.council)
    today = calendar.local(now).date()
    since = months_back(today, config.sla.months)
    facts = load_cases(store, config, since)
    return Summary(today, since, facts, figures(facts, calendar, today, since))


def summary_context(config: Config, store: Store, now: datetime, summary: Summary | None = None) -> dict[str, Any]:
    summary = summary or summary_figures(config, store, now)
    today, since, rows = summary.today, summary.since, summary.rows
    names = {key: (svc.name or key) for key, svc in config.routing.services.items()}
    return {
        "council": config.council.name,
        "mailbox": config.mailbox.name or config.mailbox.address,
        "today": today.strftime("%A %-d %B %Y"),
        "since": since.strftime("%B %Y"),
        "months": [_row_dict(r, names) for r in rows if r.service == ALL],
        "services": [_row_dict(r, names) for r in rows if r.service != ALL],
        "overdue": [{"service": names.get(k, k), "count": v} for k, v in overdue_now(summary.facts, today).items()],
        "signature": config.bot.signature,
    }


def _row_dict(row: SlaRow, names: dict[str, str]) -> dict[str, Any]:
    return {
        "month": row.month, "service": names.get(row.service, row.service or "All services"), "received": row.received,
        "answered": row.answered, "in_target": row.answered_in_target, "overdue": row.overdue_open, "share": row.share_text,
        "median": "-" if row.median_working_days is None else f"{row.median_working_days:g}",
    }


CHART_CID = "sla-chart@mqtriage"


def _chart_png(rows: list["SlaRow"]) -> bytes:
    """The dashboard's share-within-target chart, from the same figures, as PNG."""
    try:
        from bot.web.charts import sla_chart_png
    except ImportError:  # Pillow missing: the summary still goes, with its tables
        return b""
    return sla_chart_png(rows)


def queue_weekly_summary(config: Config, store: Store, renderer: Renderer, now: datetime) -> bool:
    """Put this week's summary in the outbox (once per ISO week and mailbox); False if already there or not configured."""
    to = config.sla.summary_to
    if not to:
        log.info("no weekly SLA summary for %s: sla.summary_to is not set", config.mailbox.address)
        return False
    mailbox = config.mailbox.address
    year, week, _ = WorkingCalendar.from_config(config.council).local(now).date().isocalendar()
    key = idempotency_key(mailbox, "sla_summary", f"{year}-W{week:02d}", to)
    summary = summary_figures(config, store, now)
    context = summary_context(config, store, now, summary)
    chart = _chart_png(summary.rows)
    context["chart_cid"] = CHART_CID if chart else ""
    rendered = renderer.render("sla_summary", context)
    mode = config.bot.mode
    delivery = delivery_for(config.bot, "sla_summary")
    with store.session() as s:
        if s.scalar(select(OutboxItem.id).where(OutboxItem.key == key)) is not None:
            return False
        s.add(OutboxItem(
            key=key, mailbox=mailbox, kind="sla_summary", mode=mode, delivery=delivery, to_addr=to,
            subject=f"Member enquiries: weekly service-level summary, week {week} of {year}",
            body_text=rendered.text, body_html=rendered.html,
            inline_images=[{"cid": CHART_CID, "content_type": "image/png", "data": base64.b64encode(chart).decode()}] if chart else None,
            status="held" if delivery == "none" else "pending", created_at=now,
        ))
        store.audit(s, "sla-summary-queued", mailbox=mailbox, key=key, week=f"{year}-W{week:02d}", delivery=delivery)
    log.info("weekly SLA summary queued for %s (week %d)", mailbox, week, extra={"mailbox": mailbox, "event": "sla-summary"})
    return True

"""The SLA page's figures: :mod:`bot.sla`'s functions, limited to what the user may see."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from bot.config import Config
from bot.sla import ALL, CaseFact, SlaRow, figures, load_cases, months_back, overdue_now
from bot.web.auth import User
from rules.workdays import WorkingCalendar
from storage.store import Store


@dataclass(frozen=True)
class SlaFigures:
    since: date
    today: date
    months: int
    rows: list[SlaRow]  # per month: the all-services row first, then one per service
    overdue: dict[str, int]  # open cases overdue today, per service (any month of receipt)

    @property
    def month_rows(self) -> list[SlaRow]:
        return [r for r in self.rows if r.service == ALL]

    @property
    def service_rows(self) -> list[SlaRow]:
        return [r for r in self.rows if r.service != ALL]


def sla_figures(config: Config, store: Store, user: User, today: date, months: int) -> SlaFigures:
    calendar = WorkingCalendar.from_config(config.council)
    since = months_back(today, months)
    facts: list[CaseFact] = load_cases(store, config, since)
    if not user.sees_all:
        # A manager's "all services" row is the total of their own services.
        facts = [f for f in facts if f.service in user.services]
    return SlaFigures(since, today, months, figures(facts, calendar, today, since), overdue_now(facts, today))


CSV_COLUMNS = ("month", "service", "service_name", "received", "answered", "answered_in_target", "share_in_target",
               "median_working_days", "overdue_open")


def sla_csv(fig: SlaFigures, names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in fig.rows:
        writer.writerow([
            r.month, r.service or "all", _cell(names.get(r.service, r.service) if r.service else "All services"),
            r.received, r.answered, r.answered_in_target,
            "" if r.share_in_target is None else f"{r.share_in_target:.4f}",
            "" if r.median_working_days is None else f"{r.median_working_days:g}", r.overdue_open,
        ])
    return out.getvalue()


def _cell(text: str) -> str:
    """No formula injection when the file is opened in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

"""UK working-day arithmetic: weekends, regional bank holidays, closure days, cut-off.

Bank holidays come from the ``holidays`` package (offline; substitute days included).
A council can add or remove days in config because proclamations change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.config import CouncilConfig


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    region: str
    tz: ZoneInfo
    cutoff: time
    closures: frozenset[date] = frozenset()
    extra: frozenset[date] = frozenset()
    removed: frozenset[date] = frozenset()

    @classmethod
    def from_config(cls, council: CouncilConfig) -> "WorkingCalendar":
        return cls(
            region=council.holiday_region,
            tz=council.tz,
            cutoff=council.working_day_cutoff,
            closures=frozenset(council.closure_days),
            extra=frozenset(council.extra_bank_holidays),
            removed=frozenset(council.removed_bank_holidays),
        )

    def is_bank_holiday(self, day: date) -> bool:
        if day in self.removed:
            return False
        return day in self.extra or day in _bank_holidays(self.region, day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day) and day not in self.closures

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The Nth working day after ``day`` (n=0 gives ``day`` itself)."""
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def day_of_receipt(self, received: datetime) -> date:
        """Received on a working day before the cut-off counts that day; else the next working day."""
        local = self.local(received)
        day = local.date()
        if self.is_working_day(day) and local.time() < self.cutoff:
            return day
        return self.next_working_day(day)

    def due_date(self, received: datetime, working_days: int) -> date:
        return self.add_working_days(self.day_of_receipt(received), working_days)

"""Due dates in UK working days: one row per case, from the received time to the due date.

Each row: region, closure days, received (an aware datetime, as in the Date header),
N (response working days), expected day of receipt, expected due date. Dates are
checked against the holidays package's ENG/WLS/SCT/NIR data (offline), which includes
substitute days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from rules.workdays import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
BST = timezone(timedelta(hours=1))


def cal(region: str = "ENG", closures: tuple[date, ...] = (), cutoff: time = time(17, 0), extra=(), removed=()) -> WorkingCalendar:
    return WorkingCalendar(region=region, tz=LONDON, cutoff=cutoff, closures=frozenset(closures),
                           extra=frozenset(extra), removed=frozenset(removed))


D = date
CASES = [
    # --- weekends and the cut-off -------------------------------------------------------
    ("monday morning", "ENG", (), datetime(2026, 11, 16, 9, 0, tzinfo=UTC), 5, D(2026, 11, 16), D(2026, 11, 23)),
    ("friday before cut-off", "ENG", (), datetime(2026, 11, 20, 16, 59, tzinfo=UTC), 5, D(2026, 11, 20), D(2026, 11, 27)),
    ("exactly at the cut-off is after it", "ENG", (), datetime(2026, 11, 20, 17, 0, tzinfo=UTC), 5, D(2026, 11, 23), D(2026, 11, 30)),
    ("friday evening", "ENG", (), datetime(2026, 11, 13, 18, 42, tzinfo=UTC), 5, D(2026, 11, 16), D(2026, 11, 23)),
    ("saturday", "ENG", (), datetime(2026, 11, 14, 10, 15, tzinfo=UTC), 5, D(2026, 11, 16), D(2026, 11, 23)),
    ("sunday night", "ENG", (), datetime(2026, 11, 15, 21, 37, tzinfo=UTC), 5, D(2026, 11, 16), D(2026, 11, 23)),
    ("just after midnight monday", "ENG", (), datetime(2026, 11, 16, 0, 5, tzinfo=UTC), 2, D(2026, 11, 16), D(2026, 11, 18)),
    ("county two days over a weekend", "ENG", (), datetime(2026, 11, 19, 10, 0, tzinfo=UTC), 2, D(2026, 11, 19), D(2026, 11, 23)),
    # --- Christmas 2026: Boxing Day (Sat) substitute Mon 28 Dec -------------------------------
    ("the issue's example", "ENG", (), datetime(2026, 12, 18, 18, 10, tzinfo=UTC), 5, D(2026, 12, 21), D(2026, 12, 30)),
    ("christmas eve", "ENG", (), datetime(2026, 12, 24, 10, 0, tzinfo=UTC), 5, D(2026, 12, 24), D(2027, 1, 5)),
    ("christmas day", "ENG", (), datetime(2026, 12, 25, 10, 0, tzinfo=UTC), 1, D(2026, 12, 29), D(2026, 12, 30)),
    ("substitute boxing day", "ENG", (), datetime(2026, 12, 28, 11, 0, tzinfo=UTC), 1, D(2026, 12, 29), D(2026, 12, 30)),
    ("closure days between christmas and new year", "ENG", (D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)),
     datetime(2026, 12, 24, 10, 0, tzinfo=UTC), 5, D(2026, 12, 24), D(2027, 1, 8)),
    ("received on a closure day", "ENG", (D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)),
     datetime(2026, 12, 30, 9, 0, tzinfo=UTC), 1, D(2027, 1, 4), D(2027, 1, 5)),
    # --- Christmas 2027: both days at a weekend, substitutes Mon 27 and Tue 28 -----------------
    ("christmas eve 2027", "ENG", (), datetime(2027, 12, 24, 9, 30, tzinfo=UTC), 1, D(2027, 12, 24), D(2027, 12, 29)),
    # ... and New Year's Day 2028 is a Saturday, substituted on Monday 3 January 2028.
    ("after cut-off christmas eve 2027", "ENG", (), datetime(2027, 12, 24, 17, 30, tzinfo=UTC), 3, D(2027, 12, 29), D(2028, 1, 4)),
    # --- New Year 2027 --------------------------------------------------------------------
    ("new year's eve 2026, england", "ENG", (), datetime(2026, 12, 31, 12, 0, tzinfo=UTC), 1, D(2026, 12, 31), D(2027, 1, 4)),
    ("scotland: 1 and 2 jan, 2 jan (sat) substitute mon 4 jan", "SCT", (), datetime(2026, 12, 31, 12, 0, tzinfo=UTC), 1, D(2026, 12, 31), D(2027, 1, 5)),
    ("scotland: received on the substitute day", "SCT", (), datetime(2027, 1, 4, 9, 0, tzinfo=UTC), 1, D(2027, 1, 5), D(2027, 1, 6)),
    # --- Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar (not in Scotland) -----------------
    ("easter 2027 england", "ENG", (), datetime(2027, 3, 25, 10, 0, tzinfo=UTC), 2, D(2027, 3, 25), D(2027, 3, 31)),
    ("easter 2027 scotland works easter monday", "SCT", (), datetime(2027, 3, 25, 10, 0, tzinfo=UTC), 2, D(2027, 3, 25), D(2027, 3, 30)),
    ("good friday received", "WLS", (), datetime(2027, 3, 26, 10, 0, tzinfo=UTC), 5, D(2027, 3, 30), D(2027, 4, 6)),
    # --- May 2027: early May 3 May, spring 31 May -------------------------------------------
    ("early may bank holiday 2027", "ENG", (), datetime(2027, 4, 30, 16, 0, tzinfo=BST), 5, D(2027, 4, 30), D(2027, 5, 10)),
    ("spring bank holiday 2027", "ENG", (), datetime(2027, 5, 28, 18, 0, tzinfo=BST), 1, D(2027, 6, 1), D(2027, 6, 2)),
    # --- Northern Ireland: St Patrick's Day, the Twelfth (12 Jul 2026 a Sunday, 13 Jul substitute) --
    ("st patrick's day 2027 (wed), NIR", "NIR", (), datetime(2027, 3, 16, 10, 0, tzinfo=UTC), 1, D(2027, 3, 16), D(2027, 3, 18)),
    ("st patrick's day is a working day in england", "ENG", (), datetime(2027, 3, 16, 10, 0, tzinfo=UTC), 1, D(2027, 3, 16), D(2027, 3, 17)),
    ("the twelfth 2026, substitute monday 13 july", "NIR", (), datetime(2026, 7, 10, 10, 0, tzinfo=BST), 1, D(2026, 7, 10), D(2026, 7, 14)),
    ("the twelfth 2027 (monday)", "NIR", (), datetime(2027, 7, 9, 18, 0, tzinfo=BST), 1, D(2027, 7, 13), D(2027, 7, 14)),
    # --- BST/GMT: the cut-off is local time --------------------------------------------------
    ("16:30 UTC in BST is 17:30 local: after the cut-off", "ENG", (), datetime(2026, 6, 10, 16, 30, tzinfo=UTC), 5, D(2026, 6, 11), D(2026, 6, 18)),
    ("16:30 UTC in GMT is 16:30 local: before the cut-off", "ENG", (), datetime(2026, 12, 2, 16, 30, tzinfo=UTC), 5, D(2026, 12, 2), D(2026, 12, 9)),
    ("23:30 UTC sunday in BST is monday 00:30", "ENG", (), datetime(2026, 6, 14, 23, 30, tzinfo=UTC), 1, D(2026, 6, 15), D(2026, 6, 16)),
    ("clocks go forward (sun 29 mar 2026)", "ENG", (), datetime(2026, 3, 27, 16, 30, tzinfo=UTC), 1, D(2026, 3, 27), D(2026, 3, 30)),
    ("first working day after clocks go forward", "ENG", (), datetime(2026, 3, 30, 16, 30, tzinfo=UTC), 1, D(2026, 3, 31), D(2026, 4, 1)),
    ("clocks go back (sun 25 oct 2026): monday 16:30 UTC is 16:30 local", "ENG", (), datetime(2026, 10, 26, 16, 30, tzinfo=UTC), 1, D(2026, 10, 26), D(2026, 10, 27)),
    ("friday before clocks go back, 16:30 UTC is 17:30 BST", "ENG", (), datetime(2026, 10, 23, 16, 30, tzinfo=UTC), 1, D(2026, 10, 26), D(2026, 10, 27)),
]


@pytest.mark.parametrize(("name", "region", "closures", "received", "n", "receipt", "due"), CASES, ids=[c[0] for c in CASES])
def test_due_dates(name: str, region: str, closures: tuple[date, ...], received: datetime, n: int, receipt: date, due: date) -> None:
    calendar = cal(region, closures)
    assert calendar.day_of_receipt(received) == receipt
    assert calendar.due_date(received, n) == due
    assert calendar.is_working_day(receipt) and calendar.is_working_day(due)


def test_a_council_adds_and_removes_bank_holidays() -> None:
    # Scotland's 15 June 2026 holiday is in the holidays package but not every council keeps it.
    assert not cal("SCT").is_working_day(D(2026, 6, 15))
    assert cal("SCT", removed=(D(2026, 6, 15),)).is_working_day(D(2026, 6, 15))
    assert not cal("ENG", extra=(D(2026, 11, 17),)).is_working_day(D(2026, 11, 17))


def test_a_different_cutoff_and_timezone_from_config(config) -> None:  # type: ignore[no-untyped-def]
    calendar = WorkingCalendar.from_config(config.council)
    assert calendar.cutoff == time(17, 0) and calendar.tz == LONDON and calendar.region == "ENG"
    early = cal(cutoff=time(16, 0))
    assert early.day_of_receipt(datetime(2026, 11, 16, 16, 15, tzinfo=UTC)) == D(2026, 11, 17)


def test_working_days_between_counts_only_working_days() -> None:
    calendar = cal()
    assert calendar.working_days_between(D(2026, 12, 24), D(2027, 1, 5)) == 5
    assert calendar.working_days_between(D(2027, 1, 5), D(2026, 12, 24)) == -5
    assert calendar.working_days_between(D(2026, 11, 20), D(2026, 11, 20)) == 0

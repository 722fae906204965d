"""deadline_for: day of receipt, due date and acknowledgement date from the profile."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from rules.deadlines import deadline_for
from rules.profiles import load_profile
from rules.workdays import WorkingCalendar

CAL = WorkingCalendar(region="ENG", tz=ZoneInfo("Europe/London"), cutoff=time(17, 0))
FRIDAY_EVENING = datetime(2026, 12, 18, 18, 10, tzinfo=timezone.utc)


def test_each_profile_gives_its_own_due_date() -> None:
    due = {name: deadline_for(FRIDAY_EVENING, CAL, load_profile(name)) for name in ("section17", "rushcliffe", "county", "rutland", "borough")}
    assert {k: v.due for k, v in due.items()} == {
        "section17": date(2026, 12, 30), "rushcliffe": date(2026, 12, 30), "borough": date(2026, 12, 30),
        "county": date(2026, 12, 23), "rutland": date(2027, 1, 7),
    }
    assert due["county"].acknowledge_by == date(2026, 12, 21)  # the day of receipt itself
    assert due["section17"].acknowledge_by == date(2026, 12, 22)
    assert all(d.profile == name and d.received_local.hour == 18 for name, d in due.items())


def test_no_member_deadline_without_text() -> None:
    d = deadline_for(FRIDAY_EVENING, CAL, replace(load_profile("section17"), response_working_days=1))
    assert d.due == date(2026, 12, 22) and d.member_deadline is None and not d.member_deadline_unreasonable

"""The member's own deadline, parsed relative to the received time (council-local)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from rules.deadlines import deadline_for
from rules.member_deadline import parse_member_deadline
from rules.profiles import load_profile
from rules.workdays import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
MON = datetime(2026, 11, 16, 10, 0, tzinfo=LONDON)  # Monday 16 November 2026, 10:00
CAL = WorkingCalendar(region="ENG", tz=LONDON, cutoff=time(17, 0))

PARSED = [
    ("Could I have an answer before Thursday's parish meeting?", MON, date(2026, 11, 19)),
    ("I need this in time for the parish meeting on Thursday.", MON, date(2026, 11, 19)),
    ("Please reply by the 4th.", MON, date(2026, 12, 4)),
    ("Please reply by the 20th.", MON, date(2026, 11, 20)),
    ("by Friday please", MON, date(2026, 11, 20)),
    ("Can I have it by 5pm tomorrow?", MON, date(2026, 11, 17)),
    ("An answer by the end of the week would be great", MON, date(2026, 11, 20)),
    ("I'd like a reply end of the week", MON, date(2026, 11, 20)),
    ("by the end of next week", MON, date(2026, 11, 27)),
    ("before Friday", MON, date(2026, 11, 19)),  # strictly before Friday
    ("by 4 December", MON, date(2026, 12, 4)),
    ("by December 4th", MON, date(2026, 12, 4)),
    ("no later than 4/12", MON, date(2026, 12, 4)),
    ("by next Tuesday", MON, date(2026, 11, 24)),
    ("deadline is Wednesday", MON, date(2026, 11, 18)),
    ("by close of play on Friday", MON, date(2026, 11, 20)),
    ("by Friday, and in any case before the 18th", MON, date(2026, 11, 17)),  # the earliest wins
    ("by Monday", datetime(2026, 11, 16, 18, 30, tzinfo=LONDON), date(2026, 11, 23)),  # same weekday, evening: next week
    ("by the 4th", datetime(2026, 12, 30, 10, 0, tzinfo=LONDON), date(2027, 1, 4)),  # over the year end
    ("by 8 January", datetime(2026, 12, 30, 10, 0, tzinfo=LONDON), date(2027, 1, 8)),
]


@pytest.mark.parametrize(("text", "received", "expected"), PARSED, ids=[p[0] for p in PARSED])
def test_parsed_relative_to_received(text: str, received: datetime, expected: date) -> None:
    found = parse_member_deadline(text, received)
    assert found is not None and found.day == expected


@pytest.mark.parametrize("text", [
    "The bins were missed on Thursday.",
    "Rents went up by 20 percent this year.",
    "At the end of the week the crew came back.",
    "I met the residents on the 4th.",
    "The report went to Cabinet ahead of the meeting on 8 November.",  # a date just gone
])
def test_no_deadline_without_deadline_words(text: str) -> None:
    assert parse_member_deadline(text, MON) is None


def test_time_of_day_is_kept() -> None:
    found = parse_member_deadline("by 5pm tomorrow please", MON)
    assert found is not None and found.at == time(17, 0) and found.text == "by 5pm tomorrow"


@pytest.mark.parametrize(("text", "received", "flag"), [
    ("by 5pm tomorrow", datetime(2026, 11, 16, 10, 0, tzinfo=LONDON), False),  # a working day and more
    ("by 9am tomorrow", datetime(2026, 11, 16, 16, 30, tzinfo=LONDON), True),   # less than a working day
    ("by 5pm tomorrow", datetime(2026, 11, 16, 18, 0, tzinfo=LONDON), True),    # after cut-off: counted from Tuesday
    ("by 5pm today", datetime(2026, 11, 16, 10, 0, tzinfo=LONDON), True),
    ("by tomorrow", datetime(2026, 11, 20, 15, 0, tzinfo=LONDON), True),        # Friday → Saturday
    ("by Monday", datetime(2026, 11, 20, 15, 0, tzinfo=LONDON), False),         # Friday → Monday: one working day
    ("before Thursday's parish meeting", datetime(2026, 11, 18, 11, 0, tzinfo=LONDON), False),
    ("before Thursday's parish meeting", datetime(2026, 11, 19, 9, 0, tzinfo=LONDON), True),  # the same day
])
def test_shorter_than_one_working_day_is_flagged(text: str, received: datetime, flag: bool) -> None:
    deadline = deadline_for(received, CAL, load_profile("section17"), text=text)
    assert deadline.member_deadline is not None
    assert deadline.member_deadline_unreasonable is flag
    assert deadline.member_deadline_text


def test_deadline_carries_due_and_member_deadline() -> None:
    received = datetime(2026, 12, 18, 18, 10, tzinfo=timezone.utc)
    deadline = deadline_for(received, CAL, load_profile("section17"), text="Could I have a reply by the 4th?")
    assert (deadline.day_of_receipt, deadline.due, deadline.acknowledge_by) == (date(2026, 12, 21), date(2026, 12, 30), date(2026, 12, 22))
    assert deadline.member_deadline == date(2027, 1, 4) and not deadline.member_deadline_unreasonable

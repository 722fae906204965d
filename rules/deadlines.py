"""Compute a case's deadline from the received time, the calendar and the profile.

The due date is the Nth working day after the day of receipt (N from the profile);
the member's own deadline, if the text gives one, is shown beside it and flagged when
it leaves less than one working day.
"""

from __future__ import annotations

from datetime import datetime

from bot.state import Deadline
from rules.member_deadline import parse_member_deadline
from rules.profiles import Profile
from rules.workdays import WorkingCalendar


def deadline_for(received: datetime, calendar: WorkingCalendar, profile: Profile, text: str = "") -> Deadline:
    day = calendar.day_of_receipt(received)
    ack = calendar.add_working_days(day, profile.acknowledge_working_days) if profile.acknowledge_working_days is not None else None
    asked = parse_member_deadline(text, calendar.local(received)) if text else None
    return Deadline(
        received_local=calendar.local(received),
        day_of_receipt=day,
        due=calendar.add_working_days(day, profile.response_working_days),
        acknowledge_by=ack,
        profile=profile.name,
        member_deadline=asked.day if asked else None,
        member_deadline_text=asked.text if asked else "",
        member_deadline_unreasonable=asked.unreasonable(received, calendar) if asked else False,
    )

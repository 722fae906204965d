"""Compute a case's deadline from the received time, the calendar and the profile."""

from __future__ import annotations

from datetime import datetime

from bot.state import Deadline
from rules.profiles import Profile
from rules.workdays import WorkingCalendar


def deadline_for(received: datetime, calendar: WorkingCalendar, profile: Profile) -> Deadline:
    day = calendar.day_of_receipt(received)
    ack = calendar.add_working_days(day, profile.acknowledge_working_days) if profile.acknowledge_working_days is not None else None
    return Deadline(
        received_local=calendar.local(received),
        day_of_receipt=day,
        due=calendar.add_working_days(day, profile.response_working_days),
        acknowledge_by=ack,
        profile=profile.name,
    )

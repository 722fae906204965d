"""The member's own deadline: "before Thursday's parish meeting", "by the 4th", "by 5pm tomorrow".

Parsed from the new text (and subject) relative to the time the message was received,
in the council's time zone. Only dates introduced as a deadline count ("by", "before",
"in time for", "no later than", "deadline", "end of the week"), so "the bins were
missed on Thursday" is not one. When several are given, the earliest wins.

A deadline shorter than one working day is flagged: the protocols ask members to avoid
unreasonable deadlines (Rutland 6.1) and encourage them to share their deadlines so
officers can respond appropriately (county guidance 6.4).
"""

from __future__ import annotations

import calendar as _cal
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rules.workdays import WorkingCalendar

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3,
    "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
MONTHS = {name.lower(): i for i, name in enumerate(_cal.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(_cal.month_abbr) if name}
MONTHS["sept"] = 9

_WD = r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_ORD = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_POSS = r"(?:'s|’s|s')?"
_TIME = (r"(?:(?:[01]?[0-9]|2[0-3])(?:[:.][0-5][0-9])?\s*(?:am|pm|a\.m\.|p\.m\.)|(?:[01]?[0-9]|2[0-3])[:.][0-5][0-9]|noon|midday|"
         r"lunch\s?time|close of (?:play|business)|cop|cob|eod|end of (?:the )?(?:working )?day|first thing(?: in the morning)?)")
_DAY = (
    rf"(?P<day>(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?:working\s+)?week|(?:the\s+)?end\s+of\s+next\s+week|"
    rf"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|next\s+week|tomorrow|tmrw|today|tonight|"
    rf"(?:(?:this|next|the\s+coming|coming)\s+)?{_WD}{_POSS}(?:\s+(?:the\s+)?{_ORD}(?:\s+(?:of\s+)?{_MON})?)?|"
    rf"(?:the\s+)?{_ORD}\s+(?:of\s+)?{_MON}{_POSS}|the\s+{_ORD}|(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)|{_MON}\s+{_ORD}|"
    rf"(?:[12][0-9]|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])(?:/(?:\d{{4}}|\d{{2}}))?)"
)
_TRIGGER = (r"(?P<trigger>by|before|ahead\s+of|prior\s+to|in\s+time\s+for|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|"
            r"deadline(?:\s+(?:is|of))?:?|needed\s+for|required\s+for)")
# Words that may stand between the trigger and the day: "in time for the parish meeting on Thursday".
_FILLER = (r"(?:the|a|an|our|my|this|next|parish|town|city|council|committee|ward|full|cabinet|planning|licensing|scrutiny|"
           r"area|residents'?|public|special|community|meeting|hearing|site|visit|surgery|consultation|event|briefing|on|at|of|"
           r"close|play|business|latest|very|which|is)")
_PATTERN = re.compile(
    rf"\b{_TRIGGER}\s+(?P<filler>(?:{_FILLER}\s+){{0,5}}?)(?:(?P<time1>{_TIME})\s+(?:on\s+)?)?{_DAY}"
    rf"(?:,?\s+(?:at\s+|by\s+)?(?P<time2>{_TIME}))?(?![\w/])"
    rf"(?:(?:\s+[A-Za-z]+){{0,2}}?\s+(?:meeting|hearing|committee|cabinet|surgery|briefing|event|consultation|visit|deadline)\b)?"
    rf"|\b(?P<standalone>(?<!at the )(?<!since the )end\s+of\s+(?:the\s+|this\s+|next\s+)week)\b"
    rf"|\b(?P<trigger2>by|before|no\s+later\s+than)\s+(?P<time3>{_TIME})(?!\s+(?:on\s+)?\w*day)",
    re.I,
)


LATE = time(17, 0)  # a same-day weekday named after this means next week's


@dataclass(frozen=True, slots=True)
class MemberDeadline:
    day: date
    text: str
    at: time | None = None

    def unreasonable(self, received: datetime, calendar: WorkingCalendar) -> bool:
        """Shorter than one working day from the (working) moment of receipt."""
        start_day = calendar.day_of_receipt(received)
        one_day = calendar.add_working_days(start_day, 1)
        if self.day != one_day:
            return self.day < one_day
        local = calendar.local(received)
        if self.at is None or local.date() != start_day:
            return False  # the end of that working day, or counted from the start of the day of receipt
        return self.at < local.time()


def parse_member_deadline(text: str, received_local: datetime) -> MemberDeadline | None:
    """The earliest deadline the member gives in ``text``, relative to ``received_local``."""
    today = received_local.date()
    found: list[MemberDeadline] = []
    for match in _PATTERN.finditer(text or ""):
        try:
            day = _resolve(match, today, late=received_local.time() >= LATE)
        except ValueError:
            continue
        if day is None or day < today or day > today + timedelta(days=366):
            continue
        found.append(MemberDeadline(day, " ".join(match.group(0).split())[:200], _time_of(match)))
    return min(found, key=lambda d: (d.day, d.at or time(23, 59))) if found else None


def _resolve(match: re.Match[str], today: date, late: bool = False) -> date | None:
    if match.group("standalone"):
        return _end_of_week(today, "next" in match.group("standalone").lower())
    if match.group("trigger2"):
        return today
    raw = " ".join(match.group("day").lower().split())
    day = _day(raw, today, late)
    if day is None:
        return None
    trigger = " ".join(match.group("trigger").lower().split())
    direct = not match.group("filler") and not match.group("time1")
    possessive = raw.endswith(("'s", "’s", "s'"))
    if trigger in ("before", "prior to", "ahead of") and direct and not possessive and not raw.startswith(("end of", "the end of")):
        day -= timedelta(days=1)  # "before Friday" means by Thursday; "before Friday's meeting" means by Friday
    return day


def _day(raw: str, today: date, late: bool = False) -> date | None:
    raw = re.sub(r"(?:'s|’s|s')$", "", raw)
    if raw in ("today", "tonight"):
        return today
    if raw in ("tomorrow", "tmrw"):
        return today + timedelta(days=1)
    if raw == "next week":
        return today + timedelta(days=7 - today.weekday())
    if "end of" in raw and "week" in raw:
        return _end_of_week(today, "next" in raw)
    if "end of" in raw and "month" in raw:
        return today.replace(day=_cal.monthrange(today.year, today.month)[1])
    if "/" in raw:
        parts = [int(p) for p in raw.split("/")]
        year = parts[2] if len(parts) == 3 else None
        if year is not None and year < 100:
            year += 2000
        return _dated(parts[0], parts[1], year, today)
    words = raw.replace(",", " ").split()
    qualifier = ""
    if words and words[0] in ("this", "next", "coming") or raw.startswith("the coming"):
        qualifier = "next" if words[0] == "next" else "this"
        words = words[2:] if raw.startswith("the coming") else words[1:]
    if words and words[0] in WEEKDAYS:
        weekday = WEEKDAYS[words[0]]
        rest = [w for w in words[1:] if w not in ("the", "of")]
        if rest:  # "Friday 4th December": the date decides
            return _from_day_month(rest, today)
        if qualifier == "next":
            return today + timedelta(days=7 - today.weekday() + weekday)
        ahead = (weekday - today.weekday()) % 7
        # "by Thursday" written on a Thursday means today, unless written in the evening.
        return today + timedelta(days=7 if ahead == 0 and late else ahead)
    return _from_day_month([w for w in words if w not in ("the", "of")], today)


def _from_day_month(words: list[str], today: date) -> date | None:
    number = next((int(re.sub(r"\D", "", w)) for w in words if re.match(r"^\d", w)), None)
    month = next((MONTHS[w.rstrip("'s’")] for w in words if w.rstrip("'s’") in MONTHS), None)
    if number is None:
        return None
    if month is None:  # "by the 4th": the next 4th from today
        for offset in range(0, 13):
            y, m = divmod(today.month - 1 + offset, 12)
            year, mon = today.year + y, m + 1
            if number <= _cal.monthrange(year, mon)[1] and date(year, mon, number) >= today:
                return date(year, mon, number)
        return None
    return _dated(number, month, None, today)


def _dated(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None:
        return date(year, month, day)
    candidate = date(today.year, month, day)
    if candidate >= today:
        return candidate
    if (today - candidate).days <= 180:
        return None  # a date just gone is something that happened, not a deadline
    return date(today.year + 1, month, day)  # "by 4 January", written in December


def _end_of_week(today: date, next_week: bool) -> date:
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    return friday + timedelta(days=7) if next_week else friday


def _time_of(match: re.Match[str]) -> time | None:
    raw = next((match.group(g) for g in ("time1", "time2", "time3") if match.groupdict().get(g)), None)
    if raw is None:
        return None
    raw = raw.lower().replace(".", ":").replace("a:m:", "am").replace("p:m:", "pm").replace(" ", "")
    if raw in ("noon", "midday") or raw.startswith("lunch"):
        return time(12, 0)
    if raw.startswith("first"):
        return time(9, 0)
    if raw.startswith(("close", "cop", "cob", "eod", "end")):
        return time(17, 0)
    hit = re.match(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", raw)
    if not hit:
        return None
    hour, minute, half = int(hit.group(1)), int(hit.group(2) or 0), hit.group(3)
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    return time(hour % 24, minute)

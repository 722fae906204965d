"""Who a message names: officers and members from the rosters, by full name or title + surname.

Used to keep a route away from the person a complaint or allegation is about.
"""

from __future__ import annotations

import re

from bot.directory import Directory, Member, Officer, normalise_name


def _surname_pattern(name: str, titles: str) -> re.Pattern[str] | None:
    parts = name.split()
    if len(parts) < 2:
        return None
    return re.compile(rf"\b(?:{titles})\.?\s+{re.escape(parts[-1])}\b", re.I)


def officers_named(directory: Directory, text: str) -> list[Officer]:
    """Officers named in ``text`` ("Craig Dempster", "Mr Dempster", "C. Dempster"), in roster order."""
    found = list(directory.officers_named_in(text))
    for officer in directory.officers:
        if officer in found:
            continue
        pattern = _surname_pattern(officer.name, r"mr|mrs|ms|miss|mx|dr")
        initial = officer.name.split()[0][0] if officer.name.split() else ""
        initial_pattern = re.compile(rf"\b{re.escape(initial)}\.?\s+{re.escape(officer.name.split()[-1])}\b", re.I) if initial else None
        if (pattern and pattern.search(text)) or (initial_pattern and initial_pattern.search(text) and len(officer.name.split()) > 1):
            found.append(officer)
    return found


def members_named(directory: Directory, text: str) -> list[Member]:
    found = list(directory.members_named_in(text))
    for member in directory.members:
        pattern = _surname_pattern(member.name, r"cllr|councillor|cllr\.")
        if member not in found and pattern and pattern.search(text):
            found.append(member)
    return found


def officer_by_name(directory: Directory, name: str) -> Officer | None:
    wanted = normalise_name(name)
    return next((o for o in directory.officers if normalise_name(o.name) == wanted), None)

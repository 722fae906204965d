"""A regular expression behind a cheap "could it match at all?" test.

Patterns that open with ``\\b`` and an alternation give Python's regex engine no
literal prefix to skip ahead with, so it tries every alternative at every character:
about 25 µs over a typical message, for patterns that match in few of them. Every
match of such a pattern contains one of a few fixed words (``needles``); ``in`` finds
out that none is present in well under a microsecond (``classifiers/needles.py``
looks for all of them in one pass).

When every match has a needle that starts at most ``within`` characters after the
match itself starts (0: every alternative begins with one), no match can start more
than ``within`` characters before the first needle in the text, so the search starts
there instead of at the beginning: the engine's slow scan covers the text from the
first needle on, not all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from classifiers.needles import Needles


@dataclass(frozen=True)
class GatedPattern:
    pattern: re.Pattern[str]
    needles: tuple[str, ...]  # lower case; every match contains at least one
    within: int | None = None  # every match has a needle starting at most this many characters into it (0: begins with one)
    _found: Needles = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_found", Needles(self.needles))

    def may_match(self, lowered: str) -> bool:
        """False when no needle is in the lower-cased text: then the pattern cannot match."""
        return self._found.any_in(lowered)

    def search(self, lowered: str) -> re.Match[str] | None:
        """The first match in lower-cased text (the needles are looked for as they are)."""
        if self.within is not None:
            # ``pos`` is not a slice: \b and look-behinds still see the character before it.
            start = self._found.earliest(lowered)
            return self.pattern.search(lowered, max(0, start - self.within)) if start >= 0 else None
        return self.pattern.search(lowered) if self.may_match(lowered) else None

    def search_text(self, text: str, lowered: str | None = None) -> re.Match[str] | None:
        """The first match in text as written, case-insensitively: on the lower-cased text
        (several times faster than re.IGNORECASE), whose offsets are the text's, unless
        lower-casing changed the length; then on the text itself. Quote ``text`` at the
        match's offsets, not the match's own string."""
        lowered = text.lower() if lowered is None else lowered
        if len(lowered) == len(text):
            return self.search(lowered)
        return re.compile(self.pattern.pattern, re.I).search(text) if self.may_match(lowered) else None


def gated(pattern: str, *needles: str, within: int | None = None) -> GatedPattern:
    return GatedPattern(re.compile(pattern), needles, within)

"""Which of some fixed strings occur in a text: one pass instead of one ``in`` per string.

An officers roster or a pattern's gate (``classifiers/gated.py``) has 5 to 30 strings to
look for; ``needle in text`` for each reads a 900-character message that many times.
The compiled ``NeedleSet`` reads it once; without the kernels, ``str.find`` per needle
gives the same answers (``tests/classifiers/test_needles.py`` compares them).
"""

from __future__ import annotations

from typing import Iterable

from classifiers.kernels import KERNELS


class Needles:
    def __init__(self, needles: Iterable[str], kernels: object = KERNELS) -> None:
        self.needles = tuple(needles)
        self._set = kernels.NeedleSet(self.needles) if kernels is not None else None  # type: ignore[attr-defined]

    def firsts(self, text: str) -> list[int]:
        """``text.find(needle)`` for each needle, in order."""
        if self._set is not None:
            return self._set.firsts(text)  # type: ignore[no-any-return]
        return [text.find(needle) for needle in self.needles]

    def any_in(self, text: str) -> bool:
        if self._set is not None:
            return self._set.any_in(text)  # type: ignore[no-any-return]
        return any(needle in text for needle in self.needles)

    def earliest(self, text: str) -> int:
        """Where the first of any needle starts, or -1 when none is there."""
        if self._set is not None:
            return self._set.earliest(text)  # type: ignore[no-any-return]
        found = [p for p in (text.find(needle) for needle in self.needles) if p >= 0]
        return min(found) if found else -1

"""Evidence spans on the stored excerpt.

Evidence offsets point into the message's *new text*, but the store keeps only an
excerpt: the first ``storage.excerpt_chars`` characters of that text with whitespace
collapsed. Offsets therefore cannot be used directly; the evidence text is matched
instead (whitespace collapsed the same way, case-insensitive as a fallback). When it
occurs more than once, the occurrence nearest before the original offset wins (collapsing
only removes characters, so the excerpt position is never after the original one). An
evidence span cut off by the excerpt's end is highlighted as far as the excerpt goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

MIN_PARTIAL = 12  # shorter tails at the excerpt's end are too likely to match by chance


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    label: str
    number: int  # the evidence's number in the findings table


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    labels: tuple[str, ...]  # empty: plain text
    ends: tuple[Mark, ...] = ()  # marks that end with this segment (their tags follow it)


def collapse(text: str) -> str:
    return " ".join(text.split())


def locate(excerpt: str, evidence_text: str, hint: int | None = None) -> tuple[int, int] | None:
    """Where ``evidence_text`` is in ``excerpt`` as ``(start, end)``, or ``None``."""
    needle = collapse(evidence_text)
    if not needle or not excerpt:
        return None
    found = [m.start() for m in re.finditer(re.escape(needle), excerpt)]
    if not found:
        found = [m.start() for m in re.finditer(re.escape(needle), excerpt, re.IGNORECASE)]
    if found:
        before = [i for i in found if hint is None or i <= hint]
        start = before[-1] if before else found[0]
        return start, start + len(needle)
    return _cut_off(excerpt, needle)


def _cut_off(excerpt: str, needle: str) -> tuple[int, int] | None:
    """The evidence runs past the end of the excerpt: its beginning ends the excerpt."""
    head = needle[:MIN_PARTIAL]
    if len(head) < MIN_PARTIAL:
        return None
    lowered, needle_lower = excerpt.lower(), needle.lower()
    index = lowered.find(head.lower(), max(0, len(excerpt) - len(needle)))
    while index != -1:
        if needle_lower.startswith(lowered[index:]):
            return index, len(excerpt)
        index = lowered.find(head.lower(), index + 1)
    return None


def marks_for(excerpt: str, findings: Iterable[Any]) -> tuple[list[Mark], dict[int, bool]]:
    """Marks for the body evidence of true findings; and, per evidence number, whether it was placed.

    ``findings`` are rows with ``label``, ``value`` and ``evidence`` (dicts with ``source``,
    ``text``, optional ``start``). Evidence is numbered in order over all findings.
    """
    marks: list[Mark] = []
    placed: dict[int, bool] = {}
    seen: set[tuple[int, int, str]] = set()
    number = 0
    for finding in findings:
        for ev in finding.evidence or []:
            number += 1
            if not finding.value or not str(ev.get("source", "")).startswith("body"):
                continue
            where = locate(excerpt, str(ev.get("text", "")), ev.get("start"))
            placed[number] = where is not None
            if where is None:
                continue
            key = (where[0], where[1], finding.label)
            if key in seen:
                continue  # the same span for the same label (two cues in one sentence)
            seen.add(key)
            marks.append(Mark(where[0], where[1], finding.label, number))
    return _merge(marks), placed


def _merge(marks: list[Mark]) -> list[Mark]:
    """Overlapping or touching spans of one label become one (one tag, not a tag mid-sentence)."""
    out: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.label, m.start, m.end)):
        last = out[-1] if out else None
        if last is not None and last.label == mark.label and mark.start <= last.end:
            out[-1] = Mark(last.start, max(last.end, mark.end), last.label, last.number)
        else:
            out.append(mark)
    return sorted(out, key=lambda m: (m.start, m.end))


def segments(excerpt: str, marks: list[Mark]) -> list[Segment]:
    """Split ``excerpt`` at every mark boundary; each piece knows which labels cover it."""
    cuts = sorted({0, len(excerpt), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[Segment] = []
    for a, b in zip(cuts, cuts[1:]):
        if a == b:
            continue
        covering = tuple(sorted({m.label for m in marks if m.start <= a and m.end >= b}))
        ending = tuple(m for m in marks if m.end == b)
        out.append(Segment(excerpt[a:b], covering, ending))
    return out

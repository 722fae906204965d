"""Run spaCy Matcher patterns quickly over a Doc's lower-cased tokens.

Why not ``spacy.matcher.Matcher`` at run time: profiling the classify stage showed it
taking two thirds of the time on our cue patterns (dozens of ``IN`` sets and ``{0,4}``
wildcards evaluated on every token). The patterns stay in spaCy's Matcher language, so
they can be read and run with ``Matcher`` too (``tests/classifiers/test_fastmatch.py``
checks both give the same spans). Here each pattern is indexed by its first token's
words, so only the few tokens that can start a match are tried. Supported subset:
``LOWER``/``TEXT`` equal or ``IN``, ``IS_SENT_START``, empty wildcards, and the
``?``, ``*``, ``+``, ``{m,n}`` operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from spacy.attrs import LOWER, ORTH
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

ANY = None
MAX_REPEAT = 50


@dataclass(frozen=True, slots=True)
class Step:
    words: frozenset[str] | None  # None: any token
    low: int
    high: int
    sent_start: bool


def _step(spec: dict[str, Any]) -> Step:
    spec = dict(spec)
    op = spec.pop("OP", None)
    sent_start = bool(spec.pop("IS_SENT_START", False))
    if spec and not set(spec) <= {"LOWER", "TEXT"}:
        raise ValueError(f"unsupported token spec {spec!r}")
    value = spec.get("LOWER", spec.get("TEXT")) if spec else None
    if isinstance(value, dict):
        if set(value) != {"IN"}:
            raise ValueError(f"unsupported predicate {value!r}")
        words: frozenset[str] | None = frozenset(str(v).lower() for v in value["IN"])
    elif value is None:
        words = ANY
    else:
        words = frozenset([str(value).lower()])
    low, high = {None: (1, 1), "?": (0, 1), "*": (0, MAX_REPEAT), "+": (1, MAX_REPEAT)}.get(op, (None, None))  # type: ignore[arg-type]
    if low is None:
        match = re.fullmatch(r"\{(\d*),(\d*)\}", op or "")
        if not match:
            raise ValueError(f"unsupported operator {op!r}")
        low, high = int(match.group(1) or 0), int(match.group(2) or MAX_REPEAT)
    return Step(words, low, high, sent_start)


@dataclass(frozen=True)
class CompiledPatterns:
    patterns: tuple[tuple[Step, ...], ...]
    by_first: dict[str, tuple[int, ...]]  # first-token word → pattern indexes
    anywhere: tuple[int, ...]  # patterns whose first step can be skipped or is a wildcard


def compile_patterns(patterns: Sequence[Sequence[dict[str, Any]]]) -> CompiledPatterns:
    compiled = tuple(tuple(_step(t) for t in p) for p in patterns)
    by_first: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for index, steps in enumerate(compiled):
        first = steps[0]
        if first.words is ANY or first.low == 0:
            anywhere.append(index)
            continue
        for word in first.words:
            by_first.setdefault(word, []).append(index)
    return CompiledPatterns(compiled, {k: tuple(v) for k, v in by_first.items()}, tuple(anywhere))


def _ends(steps: tuple[Step, ...], lowers: list[str], starts: list[bool], i: int) -> set[int]:
    """Every token index where ``steps`` can end when started at ``i``."""
    positions = {i}
    for step in steps:
        nxt: set[int] = set()
        for pos in positions:
            count, p = 0, pos
            if step.low == 0:
                nxt.add(p)
            while count < step.high and p < len(lowers):
                if (step.words is not ANY and lowers[p] not in step.words) or (step.sent_start and not starts[p]):
                    break
                p += 1
                count += 1
                if count >= step.low:
                    nxt.add(p)
        positions = nxt
        if not positions:
            break
    return positions


@dataclass(frozen=True)
class DocTokens:
    """What matching needs from a Doc, read once through arrays of string ids."""

    lowers: list[str]
    starts: list[bool]
    positions: dict[str, list[int]]  # lower-cased word → token indexes


def doc_tokens(doc: Doc) -> DocTokens:
    # Creating a Token object per token costs more than all the matching.
    strings = doc.vocab.strings
    lowers = [strings[h] for h in doc.to_array(LOWER).tolist()]
    texts = [strings[h] for h in doc.to_array(ORTH).tolist()]
    starts = [i == 0 or texts[i - 1] in (".", "?", "!") or "\n" in texts[i - 1] for i in range(len(texts))]
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(lowers):
        positions.setdefault(word, []).append(i)
    return DocTokens(lowers, starts, positions)


def find_spans(doc: Doc, compiled: CompiledPatterns, tokens: DocTokens) -> list[Span]:
    spans: list[Span] = []
    candidates: list[tuple[int, int]] = []
    for word, indexes in compiled.by_first.items():
        for i in tokens.positions.get(word, ()):
            candidates.extend((i, index) for index in indexes)
    if compiled.anywhere:
        candidates.extend((i, index) for i in range(len(tokens.lowers)) for index in compiled.anywhere)
    for i, index in candidates:
        for end in _ends(compiled.patterns[index], tokens.lowers, tokens.starts, i):
            if end > i:
                spans.append(doc[i:end])
    return filter_spans(spans)

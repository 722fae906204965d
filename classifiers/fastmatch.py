"""Run spaCy Matcher patterns as regular expressions over a Doc's tokens.

Why not ``spacy.matcher.Matcher`` at run time: on our cue patterns (dozens of ``IN``
sets and ``{0,5}`` wildcards tried at every token) it took two thirds of the classify
stage, and a Python loop over tokens is no better. Here each token becomes one
character: the code of its lower-cased form among the words the patterns name, or one
"other word" code. A pattern of token steps is then a regular expression over that
string, and Python's compiled regex engine does the matching. Turning a Doc into the
string is a few numpy operations, with no Python work per token. When the compiled
kernels are built, ``CueMatcher`` (``classifiers/_kernels.pyx``) runs the same steps
with the same greedy backtracking directly over the token codes (``hit_finder``), and
the regular expressions here are its reference.

The patterns stay in spaCy's Matcher language, so they can be read (and run) with
``Matcher``; ``tests/classifiers/test_fastmatch.py`` checks both find the same spans
on corpus messages. Semantics kept: every pattern is tried at every token, the longest
match per start is kept, then ``spacy.util.filter_spans`` (longest first, then
earliest; no overlaps). Supported subset: ``LOWER``/``TEXT`` equal or ``IN``,
``IS_SENT_START`` (after ``.``, ``?``, ``!`` or a line break, as our blank pipeline has
no sentencizer), empty wildcards, and the ``?``, ``*``, ``+``, ``{m,n}`` operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
from spacy.attrs import ORTH
from spacy.tokens import Doc

# Characters live in Unicode's private use area: never regex syntax, never real text.
_BASE = 0xE000
OTHER = 0  # the code of a word no pattern names
BREAK = 1  # the code of a whitespace token holding a line break
SENTENCE_ENDS = (".", "?", "!")
MAX_REPEAT = 50


@dataclass(frozen=True, slots=True)
class Step:
    words: frozenset[str] | None  # None: any token
    low: int
    high: int
    sent_start: bool


def opens_anywhere(head: Step) -> bool:
    """A pattern whose first step is a wildcard or optional can start at any token."""
    return head.words is None or head.low == 0


def parse_step(spec: Mapping[str, Any]) -> Step:
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
        words = None
    else:
        words = frozenset([str(value).lower()])
    low, high = {None: (1, 1), "?": (0, 1), "*": (0, MAX_REPEAT), "+": (1, MAX_REPEAT)}.get(op, (-1, -1))
    if low < 0:
        bounds = re.fullmatch(r"\{(\d*),(\d*)\}", op or "")
        if not bounds:
            raise ValueError(f"unsupported operator {op!r}")
        low, high = int(bounds.group(1) or 0), int(bounds.group(2) or MAX_REPEAT)
    return Step(words, low, high, sent_start)


@dataclass(frozen=True)
class CompiledCues:
    """Every key's patterns as regexes over token characters, indexed by first token.

    Token codes are small integers (``code``); the character for code ``c`` is
    ``chr(_BASE + c)``. ``OTHER`` (0) is a word no pattern names, ``BREAK`` (1) a
    whitespace token holding a line break.
    """

    keys: tuple[str, ...]
    codes: dict[str, int]  # lower-cased word → its code
    can_start: np.ndarray  # bool[code]: some pattern starts with this word
    starts_anywhere: np.ndarray  # bool[code]: ... and not only at a sentence start
    after_end: np.ndarray  # bool[code + start]: a sentence starts after this token (last: the Doc's start)
    can_follow: np.ndarray  # bool[code, code + end]: that word may be followed by this one
    by_first: dict[int, tuple[tuple[int, re.Pattern[str], tuple[re.Pattern[str], ...]], ...]]
    anywhere: tuple[tuple[int, re.Pattern[str]], ...]  # patterns whose first step is optional or a wildcard
    steps: tuple[tuple[int, tuple[Step, ...]], ...] = ()  # every pattern as (key index, steps), for the compiled matcher


def compile_cues(table: Mapping[str, Sequence[Sequence[Mapping[str, Any]]]]) -> CompiledCues:
    steps = {key: [[parse_step(t) for t in pattern] for pattern in patterns] for key, patterns in table.items()}
    words = sorted({w for patterns in steps.values() for p in patterns for s in p if s.words for w in s.words} | set(SENTENCE_ENDS))
    code = {w: 2 + i for i, w in enumerate(words)}
    size = len(words) + 2

    def chars(ws: Iterable[str]) -> str:
        return "".join(sorted(chr(_BASE + code[w]) for w in ws))

    sent_start = f"(?:^|(?<=[{chars(SENTENCE_ENDS)}{chr(_BASE + BREAK)}]))"

    def step_regex(step: Step) -> str:
        one = "." if step.words is None else f"[{chars(step.words)}]"
        if step.sent_start:
            one = sent_start + one
        if (step.low, step.high) == (1, 1):
            return one
        return f"(?:{one}){{{step.low},{step.high}}}"

    grouped: dict[int, dict[int, list[str]]] = {}
    can_start = np.zeros(size, dtype=bool)
    starts_anywhere = np.zeros(size, dtype=bool)
    can_follow = np.zeros((size, size + 1), dtype=bool)  # last column: the end of the Doc
    anywhere: list[tuple[int, re.Pattern[str]]] = []
    for k, (key, patterns) in enumerate(steps.items()):
        for pattern, source in zip(patterns, table[key]):
            body = "".join(step_regex(s) for s in pattern)
            if re.fullmatch(body, "", re.S):
                raise ValueError(f"{key}: pattern {source!r} can match no tokens at all")
            head = pattern[0]
            if opens_anywhere(head):
                anywhere.append((k, re.compile(body, re.S)))
                continue
            nxt = pattern[1] if len(pattern) > 1 else None
            exact_next = nxt is not None and nxt.words is not None and nxt.low >= 1 and (head.low, head.high) == (1, 1)
            for word in head.words:
                c = code[word]
                grouped.setdefault(c, {}).setdefault(k, []).append(body)
                can_start[c] = True
                starts_anywhere[c] |= not head.sent_start
                if exact_next:
                    can_follow[c, [code[w] for w in nxt.words]] = True  # type: ignore[union-attr]
                else:
                    can_follow[c, :] = True
    by_first = {
        c: tuple((k, re.compile("(?=" + "|".join(bodies) + ")", re.S), tuple(re.compile(b, re.S) for b in bodies)) for k, bodies in per_key.items())
        for c, per_key in grouped.items()
    }
    is_end = np.zeros(size + 1, dtype=bool)  # codes after which a sentence starts; last: before the Doc
    is_end[[code[w] for w in SENTENCE_ENDS] + [BREAK, size]] = True
    every = tuple((k, tuple(pattern)) for k, patterns in enumerate(steps.values()) for pattern in patterns)
    return CompiledCues(tuple(steps), code, can_start, starts_anywhere, is_end, can_follow, by_first, tuple(anywhere), every)


class TokenEncoder:
    """Turns a Doc into one code per token.

    A token's code depends only on its word form (``ORTH``), so it is worked out once
    per distinct form, in Python, and kept in sorted arrays; after that a Doc is
    encoded by one ``searchsorted``, with no Python work per token. Lower-casing is
    ``str.lower()``, exactly as spaCy's ``LOWER``.
    """

    MERGE_EVERY = 2000  # new word forms held in a dict before they join the arrays
    MAX_FORMS = 1_000_000  # a long-running bot starts its cache again past this

    def __init__(self, cues: CompiledCues, strings: Any) -> None:
        self.cues = cues
        self.strings = strings
        self.keys = np.zeros(1, dtype=np.uint64)  # never empty: searchsorted needs a row to land on
        self.values = np.zeros(1, dtype=np.int64)
        self.pending: dict[int, int] = {}

    def code_of(self, orth: int) -> int:
        found = self.pending.get(orth)
        if found is None:
            found = self.pending[orth] = word_code(self.cues, self.strings[orth])
        return found

    def _merge(self) -> None:
        n = len(self.pending)
        keys = np.concatenate([self.keys, np.fromiter(self.pending, dtype=np.uint64, count=n)])
        values = np.concatenate([self.values, np.fromiter(self.pending.values(), dtype=np.int64, count=n)])
        order = np.argsort(keys, kind="stable")
        self.keys, self.values, self.pending = keys[order], values[order], {}
        if len(self.keys) > self.MAX_FORMS:
            self.keys, self.values = self.keys[:1], self.values[:1]

    def __call__(self, doc: Doc) -> np.ndarray:
        orths = doc.to_array(ORTH)
        at = np.searchsorted(self.keys, orths)
        at[at == len(self.keys)] = 0
        known = self.keys[at] == orths
        codes = self.values[at]
        if not known.all():
            for i in np.flatnonzero(~known).tolist():
                codes[i] = self.code_of(int(orths[i]))
            if len(self.pending) >= self.MERGE_EVERY:
                self._merge()
        return codes


def prefilter(codes: np.ndarray, cues: CompiledCues) -> tuple[str | None, list[int]]:
    """The encoded text (``None`` when nothing can match) and the tokens where a pattern may start.

    Only tokens that can start a pattern (at a sentence start, if that is all their
    patterns allow), followed by a word that can come next. The compiled
    ``CueKernel`` does the same in one pass over the tokens.
    """
    if len(codes) == 0:
        return None, []
    following = np.empty_like(codes)
    following[:-1] = codes[1:]
    following[-1] = len(cues.can_start)  # the end-of-Doc column
    preceding = np.empty_like(codes)
    preceding[1:] = codes[:-1]
    preceding[0] = len(cues.can_start)  # the start-of-Doc entry
    starts = np.flatnonzero(
        cues.can_start[codes] & (cues.starts_anywhere[codes] | cues.after_end[preceding]) & cues.can_follow[codes, following]
    ).tolist()
    if not starts and not cues.anywhere:
        return None, starts
    return (codes + _BASE).astype(np.uint32).tobytes().decode("utf-32-le"), starts


def find_hits(codes: np.ndarray, cues: CompiledCues) -> dict[str, tuple[tuple[int, int], ...]]:
    """Per key, the (start, end) token offsets of the non-overlapping matches."""
    return match_hits(*prefilter(codes, cues), cues)


def match_hits(encoded: str | None, starts: Sequence[int], cues: CompiledCues) -> dict[str, tuple[tuple[int, int], ...]]:
    """Run the patterns at the candidate starts of an encoded Doc (see :func:`prefilter`)."""
    if encoded is None:
        return {key: () for key in cues.keys}
    found: dict[int, list[tuple[int, int]]] = {}
    by_first = cues.by_first
    for start in starts:
        for k, any_starts, patterns in by_first[ord(encoded[start]) - _BASE]:
            if len(patterns) > 1 and any_starts.match(encoded, start) is None:
                continue
            for pattern in patterns:
                m = pattern.match(encoded, start)
                if m is not None and m.end() > start:
                    found.setdefault(k, []).append((start, m.end()))
    for k, pattern in cues.anywhere:
        for start in range(len(encoded)):
            m = pattern.match(encoded, start)
            if m is not None and m.end() > start:
                found.setdefault(k, []).append((start, m.end()))
    return {key: (filter_offsets(found[k]) if k in found else ()) for k, key in enumerate(cues.keys)}


def word_code(cues: CompiledCues, text: str) -> int:
    """A word form's code: only whitespace tokens hold line breaks."""
    return BREAK if "\n" in text else cues.codes.get(text.lower(), OTHER)


def candidate_finder(cues: CompiledCues, strings: Any, kernels: Any = None) -> Callable[[Doc], tuple[str | None, list[int]]]:
    """Doc → (encoded text, candidate starts): the compiled kernel if given, else numpy."""
    if kernels is not None:
        return kernels.CueKernel(
            lambda orth: word_code(cues, strings[orth]), _BASE, cues.can_start.tolist(), cues.starts_anywhere.tolist(),
            cues.after_end.tolist(), cues.can_follow.tolist(), bool(cues.anywhere), TokenEncoder.MAX_FORMS,
        )
    encoder = TokenEncoder(cues, strings)
    return lambda doc: prefilter(encoder(doc), cues)


Hits = dict[str, tuple[tuple[int, int], ...]]


def hit_finder(cues: CompiledCues, strings: Any, kernels: Any = None) -> Callable[[Doc], Hits]:
    """Doc → per key, its matches: one compiled call (``CueMatcher``) if kernels are given,
    else the candidate starts and the regular expressions above."""
    candidates = candidate_finder(cues, strings, kernels)
    if kernels is None:
        return lambda doc: match_hits(*candidates(doc), cues)

    def codes(step: Step) -> list[int] | None:
        return None if step.words is None else sorted(cues.codes[w] for w in step.words)

    patterns = [(k, codes(steps[0]) or [], [(codes(s), s.low, s.high, s.sent_start) for s in steps]) for k, steps in cues.steps]
    anywhere = [i for i, (_, steps) in enumerate(cues.steps) if opens_anywhere(steps[0])]
    return kernels.CueMatcher(candidates, cues.keys, len(cues.can_start), patterns, anywhere, cues.after_end.tolist())  # type: ignore[no-any-return]


def filter_offsets(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """``spacy.util.filter_spans`` on (start, end) pairs, without creating Span objects."""
    chosen: list[tuple[int, int]] = []
    seen: set[int] = set()
    for start, end in sorted(set(spans), key=lambda s: (s[1] - s[0], -s[0]), reverse=True):
        if start not in seen and end - 1 not in seen:
            chosen.append((start, end))
            seen.update(range(start, end))
    return tuple(sorted(chosen))


def sentence_starts(doc: Doc) -> list[bool]:
    """The reference definition of ``IS_SENT_START`` used above (for tests and Matcher)."""
    texts = [t.text for t in doc]
    return [i == 0 or texts[i - 1] in SENTENCE_ENDS or "\n" in texts[i - 1] for i in range(len(texts))]

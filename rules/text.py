"""Phrase cues on tokens and lemmas, for the routing rules.

Cues come from configuration (``[routing.services.*] cues``) or from a route rule's
built-in list. They are matched on tokens, never on raw substrings, so "bin" cannot
fire inside "cabinet"; and on lemmas, so "planning" also fires on "planned extension".

Lemmas come from spaCy's lookup lemmatizer (spacy-lookups-data), the same tables the
classify stage uses. The classify stage's ``Doc`` (``MessageState.doc``) is re-used
when there is one: its words and lemmas are copied into a small Doc of our own vocab
so one :class:`~spacy.matcher.PhraseMatcher` serves every message whichever pipeline
made the Doc. Without one (mail the classify stage did not read, unit tests, tools)
the text is lemmatized here, when a rule first asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from bot.state import MessageState

# A cue preceded closely by one of these is not taken ("without a formal FOI request",
# "no safeguarding concern").
NEGATIONS = frozenset({"no", "not", "n't", "without", "nor", "never", "instead", "rather"})
NEGATION_WINDOW = 4


@lru_cache(maxsize=1)
def lemma_nlp() -> Language:
    """Tokenizer + lookup lemmatizer: enough for cues, cheap to run (no model weights)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def _lemma_table():  # type: ignore[no-untyped-def]
    return lemma_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


def lemmatize(doc: Doc) -> Doc:
    """Lemmas of the lower-cased words: the lookup table is case-sensitive ("Planned" has none)."""
    table = _lemma_table()
    for token in doc:
        token.lemma_ = table.get(token.lower_, token.lower_)
    return doc


def lemma_tokens(text: str) -> Doc:
    nlp = lemma_nlp()
    return lemmatize(nlp.make_doc(text))


def text_of(state: MessageState) -> str:
    """What the routing rules read: the new text, then the subject (as the classify stage)."""
    from classifiers.pipeline import text_for

    return text_for(state.message)


def doc_of(state: MessageState) -> Doc:
    """The message as a Doc in :func:`lemma_nlp`'s vocab with our lemmas (cached on the state).

    The classify stage's Doc is re-used for its tokens; lemmas are always ours, so a
    pattern and a message are lemmatized the same way whichever pipeline made the Doc.
    """
    cached = getattr(state, "_routing_doc", None)
    if cached is not None:
        return cached
    nlp = lemma_nlp()
    source = getattr(state, "doc", None)
    if source is not None and source.vocab is nlp.vocab:
        doc = lemmatize(source)
    elif source is not None and len(source):
        doc = lemmatize(Doc(nlp.vocab, words=[t.text for t in source], spaces=[bool(t.whitespace_) for t in source]))
    else:
        doc = lemma_tokens(text_of(state))
    try:
        object.__setattr__(state, "_routing_doc", doc)
    except (AttributeError, TypeError):  # a slotted state: just recompute next time
        pass
    return doc


@dataclass(frozen=True, slots=True)
class CueHit:
    key: str  # which list the cue came from (a service key, or "cue")
    phrase: str  # the cue as configured
    text: str  # what the message said
    start: int  # token offsets in the routing doc
    end: int
    exact: bool  # the words themselves matched, not only their lemmas

    @property
    def weight(self) -> float:
        """Longer and exact cues count for more: "planning application" beats "application"."""
        return (self.end - self.start) * (1.0 if self.exact else 0.75)


class CueMatcher:
    """Phrase lists matched on lower-cased words and on lemmas; overlapping hits resolved.

    Among overlapping hits the longer one wins, then an exact-word hit beats a lemma-only
    one (so a "parking" cue beats a "park" cue on the word "parking").
    """

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        nlp = lemma_nlp()
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._phrases: dict[str, str] = {}  # match label -> configured phrase
        self.keys: list[str] = []
        for key, items in phrases.items():
            self.keys.append(key)
            for phrase in dict.fromkeys(p.strip() for p in items if p and p.strip()):
                label = f"{key}\x1f{phrase}"
                self._phrases[label] = phrase
                pattern = lemma_tokens(phrase.lower())
                self._lower.add(label, [pattern])
                self._lemma.add(label, [pattern])

    def __bool__(self) -> bool:
        return bool(self._phrases)

    def hits(self, doc: Doc, negations: bool = True) -> list[CueHit]:
        strings = doc.vocab.strings
        found: dict[tuple[str, int, int], CueHit] = {}
        for matcher, exact in ((self._lower, True), (self._lemma, False)):
            for match_id, start, end in matcher(doc):
                label = strings[match_id]
                key = label.partition("\x1f")[0]
                if (key, start, end) in found and found[(key, start, end)].exact:
                    continue
                found[(key, start, end)] = CueHit(key, self._phrases[label], doc[start:end].text, start, end, exact)
        ranked = sorted(found.values(), key=lambda h: (-(h.end - h.start), not h.exact, h.start))
        taken: list[CueHit] = []
        used: set[int] = set()
        for hit in ranked:
            span = set(range(hit.start, hit.end))
            if span & used:
                continue
            if negations and _negated(doc, hit.start):
                continue
            taken.append(hit)
            used |= span
        return sorted(taken, key=lambda h: h.start)


def _negated(doc: Doc, start: int) -> bool:
    """A negation shortly before the cue, in the same sentence."""
    for i in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
        token = doc[i]
        if token.text in (".", "!", "?", ";") or "\n" in token.text:
            return False
        if token.lower_ in NEGATIONS:
            return True
    return False


def best_key(hits: list[CueHit]) -> tuple[str, float, list[CueHit]] | None:
    """The key with the most weight; ties go to the key whose first cue comes first."""
    if not hits:
        return None
    totals: dict[str, float] = {}
    first: dict[str, int] = {}
    for hit in hits:
        totals[hit.key] = totals.get(hit.key, 0.0) + hit.weight
        first.setdefault(hit.key, hit.start)
    key = min(totals, key=lambda k: (-totals[k], first[k]))
    return key, totals[key], [h for h in hits if h.key == key]


def describe(hits: Iterable[CueHit], limit: int = 4) -> str:
    items = [f"'{h.text}'" + ("" if h.exact else f" (~{h.phrase})") for h in hits]
    more = f" +{len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more

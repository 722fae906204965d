"""What the cue component found in one Doc, and the text facts the detectors share.

Cue matches are kept as token offsets (``doc._.mq_cues``), not ``doc.spans``: a spaCy
``Span`` object costs more to create than the matching itself, and the detectors only
need counts, plus the character offsets of the one or two matches shown as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

from classifiers.kernels import KERNELS

FORWARD_MARKERS = ("forwarded message", "begin forwarded message", "original message", "\nfrom:", "wrote:\n")
TEXT_KEY = "mq_text"


@dataclass(slots=True)
class CueHits:
    spans: dict[str, tuple[tuple[int, int], ...]]  # key → (start, end) token offsets
    _own_tokens: int | None = field(default=None)
    _bounds: np.ndarray | None = field(default=None)  # per token: character offset, length
    derived: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)  # filtered matches, worked out once per Doc

    def get(self, key: str) -> tuple[tuple[int, int], ...]:
        return self.spans.get(key, ())

    def bounds(self, doc: Doc) -> np.ndarray:
        # Read only for Docs that have matches to place or quote.
        if self._bounds is None:
            self._bounds = doc.to_array([IDX, LENGTH]).astype(np.int64)
        return self._bounds

    def own(self, doc: Doc, key: str) -> tuple[tuple[int, int], ...]:
        """Matches that start in the sender's own words (before any forward or quote)."""
        found = self.spans.get(key, ())
        if not found:
            return ()
        limit = self.own_limit(doc)
        return tuple(s for s in found if s[0] < limit)

    def own_limit(self, doc: Doc) -> int:
        """The first token after the sender's own words."""
        if self._own_tokens is None:
            cut = own_words_end(doc)
            self._own_tokens = self.token_at(doc, cut)
        return self._own_tokens

    def token_at(self, doc: Doc, char: int) -> int:
        """The first token starting at or after character ``char`` (``len(doc)`` if none)."""
        return int(KERNELS.token_at_char(doc, char)) if KERNELS else int(np.searchsorted(self.bounds(doc)[:, 0], char))

    def char_span(self, doc: Doc, span: tuple[int, int]) -> tuple[int, int]:
        """Character offsets of a match, without creating a spaCy ``Span``."""
        if KERNELS:
            return KERNELS.token_offsets(doc, span[0], span[1])  # type: ignore[no-any-return]
        b = self.bounds(doc)
        last = b[span[1] - 1]
        return int(b[span[0], 0]), int(last[0] + last[1])


EMPTY = CueHits({})
HITS_KEY = "mq_cues"

# ``doc._.mq_cues`` for people exploring a Doc; the detectors read ``user_data``
# directly, because each ``doc._`` access builds a helper object.
if not Doc.has_extension(HITS_KEY):
    Doc.set_extension(HITS_KEY, getter=lambda doc: doc.user_data.get(HITS_KEY))


def cue_hits(doc: Doc) -> CueHits:
    return doc.user_data.get(HITS_KEY) or EMPTY


def has_sentences(doc: Doc) -> bool:
    """Whether a council's parser or sentencizer set sentence boundaries (asked once per Doc)."""
    known = doc.user_data.get("mq_has_sents")
    if known is None:
        known = doc.user_data["mq_has_sents"] = KERNELS.has_sent_starts(doc) if KERNELS else doc.has_annotation("SENT_START")
    return bool(known)


def doc_text(doc: Doc) -> str:
    """``doc.text`` rebuilds the string from every token on each access: keep it once.

    The classify stage stores the string it gave the tokenizer, so this is free there.
    """
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


LOWER_KEY = "mq_text_lower"


def keep_texts(doc: Doc, text: str, read: str) -> None:
    """Store the text as written (evidence quotes it) and, when it is one, the lower-cased
    text the tokenizer read (``nlp.model_text``), so that no detector lower-cases it again."""
    doc.user_data[TEXT_KEY] = text
    if read is not text and len(read) == len(text):
        doc.user_data[LOWER_KEY] = read


def doc_lower(doc: Doc) -> str:
    """The Doc's text as written, lower-cased (offsets unchanged when the lengths agree)."""
    lowered = doc.user_data.get(LOWER_KEY)
    if lowered is None:
        lowered = doc.user_data[LOWER_KEY] = doc_text(doc).lower()
    return lowered


def own_words_end(doc: Doc) -> int:
    """Where the sender's own words end: forwarded or quoted material is someone else's."""
    cached = doc.user_data.get("mq_own_end")
    if cached is not None:
        return int(cached)
    text = doc_text(doc)
    lowered = doc_lower(doc)
    cut = len(text)
    for marker in FORWARD_MARKERS:
        pos = lowered.find(marker)
        if 0 <= pos < cut:
            cut = pos
    doc.user_data["mq_own_end"] = cut
    return cut

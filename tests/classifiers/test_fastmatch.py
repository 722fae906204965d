"""The compiled cue matcher finds exactly what spaCy's own Matcher finds with the same patterns."""

from __future__ import annotations

from pathlib import Path

from spacy.matcher import Matcher
from spacy.util import filter_spans

from bot.parse import parse_message
from classifiers.cues import PATTERNS
from classifiers.fastmatch import doc_tokens
from classifiers.nlp import blank_pipeline
from classifiers.pipeline import text_for
from tests.conftest import ROOT


def test_same_spans_as_spacy_matcher_on_corpus_messages() -> None:
    nlp = blank_pipeline()
    matchers = {}
    for key, patterns in PATTERNS.items():
        m = Matcher(nlp.vocab)
        m.add(key, patterns)
        matchers[key] = m
    files = sorted((ROOT / "corpus" / "dev").rglob("*.eml"))[:60]
    assert files
    checked = 0
    for path in files:
        doc = nlp(text_for(parse_message(path.read_bytes(), path.name)))
        # The blank pipeline has no sentencizer; give Matcher the same sentence starts
        # the compiled matcher uses (after . ? ! or a line break).
        for token, start in zip(doc, doc_tokens(doc).starts):
            token.is_sent_start = start
        for key, matcher in matchers.items():
            expected = [(s.start, s.end) for s in filter_spans([doc[a:b] for _, a, b in matcher(doc)])]
            got = [(s.start, s.end) for s in doc.spans[f"mq.{key}"]]
            assert got == expected, f"{path.name} {key}: {got} != {expected}"
            checked += len(expected)
    assert checked > 100

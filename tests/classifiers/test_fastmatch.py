"""The regex cue matcher finds exactly what spaCy's own Matcher finds with the same patterns."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher
from spacy.util import filter_spans

from bot.parse import parse_message
from classifiers.cues import PATTERNS
from classifiers.fastmatch import TokenEncoder, compile_cues, filter_offsets, find_hits, sentence_starts
from classifiers.hits import cue_hits
from classifiers.nlp import blank_pipeline
from classifiers.pipeline import text_for
from tests.conftest import ROOT


def _matcher_spans(nlp, doc, patterns):  # type: ignore[no-untyped-def]
    matcher = Matcher(nlp.vocab)
    matcher.add("k", patterns)
    # The blank pipeline has no sentencizer: give Matcher the sentence starts the regex
    # matcher uses (after . ? ! or a line break).
    for token, start in zip(doc, sentence_starts(doc)):
        token.is_sent_start = start
    return [(s.start, s.end) for s in filter_spans([doc[a:b] for _, a, b in matcher(doc)])]


def test_same_spans_as_spacy_matcher_on_corpus_messages() -> None:
    nlp = blank_pipeline()
    matchers = {}
    for key, patterns in PATTERNS.items():
        m = Matcher(nlp.vocab)
        m.add(key, patterns)
        matchers[key] = m
    # Every dev message and every fifth training message: all voices, HTML, quotes.
    files = sorted((ROOT / "corpus" / "dev").rglob("*.eml")) + sorted((ROOT / "corpus" / "train").rglob("*.eml"))[::5]
    assert len(files) > 250
    checked = 0
    for path in files:
        doc = nlp(text_for(parse_message(path.read_bytes(), path.name)))
        for token, start in zip(doc, sentence_starts(doc)):
            token.is_sent_start = start
        hits = cue_hits(doc)
        for key, matcher in matchers.items():
            expected = [(s.start, s.end) for s in filter_spans([doc[a:b] for _, a, b in matcher(doc)])]
            assert list(hits.get(key)) == expected, f"{path.name} {key}"
            checked += len(expected)
    assert checked > 1000


@pytest.mark.parametrize(
    ("text", "patterns"),
    [
        # Case folding, a line break as a sentence start, the end of the Doc.
        ("Thanks.\nWHAT is this?", [[{"LOWER": "what", "IS_SENT_START": True}], [{"TEXT": "?"}]]),
        ("so what now", [[{"LOWER": "what", "IS_SENT_START": True}]]),
        # A bounded wildcard: the longest match wins, and overlaps are resolved as filter_spans does.
        ("I declare that I have an interest and a pecuniary interest", [[{"LOWER": "declare"}, {"OP": "{0,5}"}, {"LOWER": "interest"}], [{"LOWER": "pecuniary"}, {"LOWER": "interest"}]]),
        # Optional and repeated steps; words the patterns never name.
        ("as the club hall treasurer I", [[{"LOWER": "as"}, {"LOWER": {"IN": ["the", "club", "hall"]}, "OP": "*"}, {"LOWER": "treasurer"}]]),
        ("my own elderly mother", [[{"LOWER": "my"}, {"LOWER": {"IN": ["own", "elderly"]}, "OP": "?"}, {"LOWER": "mother"}]]),
        ("my my my", [[{"LOWER": "my"}, {"LOWER": "my", "OP": "+"}]]),
        ("", [[{"LOWER": "my"}]]),
    ],
)
def test_same_spans_as_spacy_matcher_on_edge_cases(text: str, patterns: list) -> None:
    nlp = blank_pipeline()
    doc = nlp.make_doc(text)
    cues = compile_cues({"k": patterns})
    got = find_hits(TokenEncoder(cues, nlp.vocab.strings)(doc), cues)["k"]
    assert list(got) == _matcher_spans(nlp, doc, patterns)


def test_pattern_that_can_match_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="can match no tokens"):
        compile_cues({"k": [[{"LOWER": "my", "OP": "?"}]]})


def test_unsupported_attribute_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported token spec"):
        compile_cues({"k": [[{"POS": "NOUN"}]]})


def test_encoder_cache_gives_the_same_codes_after_merging() -> None:
    nlp = blank_pipeline()
    cues = compile_cues(PATTERNS)
    encoder = TokenEncoder(cues, nlp.vocab.strings)
    encoder.MERGE_EVERY = 3  # merge after almost every Doc
    docs = [nlp.make_doc(t) for t in ("My son plays for the club.", "Could you PLEASE look?\n\nThanks", "my Son")]
    first = [encoder(d).tolist() for d in docs]
    assert len(encoder.keys) > 1
    assert [encoder(d).tolist() for d in docs] == first
    fresh = TokenEncoder(cues, nlp.vocab.strings)
    assert [fresh(d).tolist() for d in docs] == first
    assert first[2][0] == first[0][0] == cues.codes["my"]


def test_filter_offsets_is_filter_spans() -> None:
    nlp = blank_pipeline()
    doc = nlp.make_doc("one two three four five six seven")
    spans = [(0, 2), (1, 4), (3, 4), (4, 7), (5, 6), (0, 1)]
    assert list(filter_offsets(spans)) == [(s.start, s.end) for s in filter_spans([doc[a:b] for a, b in spans])]

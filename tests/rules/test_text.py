"""Phrase cues on words and lemmas (rules/text.py)."""

from __future__ import annotations

from rules.text import CueMatcher, best_key, lemma_nlp, lemma_tokens


def hits(phrases: dict[str, list[str]], text: str) -> list[tuple[str, str, bool]]:
    return [(h.key, h.text, h.exact) for h in CueMatcher(phrases).hits(lemma_tokens(text))]


def test_tokens_not_substrings() -> None:
    assert hits({"waste": ["bin"]}, "The cabinet meets on Monday; combine the reports.") == []


def test_lemmas() -> None:
    assert hits({"planning": ["planning"]}, "a planned extension") == [("planning", "planned", False)]
    assert hits({"licensing": ["licence"]}, "two licences") == [("licensing", "licences", False)]


def test_longest_then_exact_wins_on_overlap() -> None:
    found = hits({"a": ["road"], "b": ["road closure"]}, "a road closure on Friday")
    assert found == [("b", "road closure", True)]
    assert hits({"parks": ["park"], "highways": ["parking"]}, "parking") == [("highways", "parking", True)]


def test_best_key_by_weight_then_first() -> None:
    matcher = CueMatcher({"a": ["bin"], "b": ["recycling", "garden waste"]})
    best = best_key(matcher.hits(lemma_tokens("bin day: the recycling and garden waste were missed")))
    assert best is not None and best[0] == "b"


def test_a_doc_from_another_pipeline_is_reused_with_its_lemmas(blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    from bot.parse import parse_message
    from bot.state import MessageState
    from classifiers.pipeline import text_for
    from rules.text import doc_of
    from tests.conftest import eml

    message = parse_message(eml("""\
        From: a@b.example
        Subject: Planned extension
        Date: Mon, 16 Nov 2026 10:00:00 +0000

        The planned extensions at Mill Lane.
    """), "x")
    other = blank_detectors_factory(None).nlp  # the classify stage's own pipeline, another vocab
    state = MessageState(message=message, doc=other(text_for(message)))
    doc = doc_of(state)
    assert doc.vocab is lemma_nlp().vocab and doc is doc_of(state)
    found = [(h.text, h.exact) for h in CueMatcher({"planning": ["planning", "extension"]}).hits(doc)]
    assert found == [("planned", False), ("extensions", False), ("Planned", False), ("extension", True)]


def test_capitalised_words_get_lemmas_too() -> None:
    assert hits({"planning": ["planning"]}, "Planned works") == [("planning", "Planned", False)]

"""Phrase cues on words and lemmas (rules/text.py)."""

from __future__ import annotations

from rules.text import CueMatcher, best_key, lemma_nlp


def hits(phrases: dict[str, list[str]], text: str) -> list[tuple[str, str, bool]]:
    return [(h.key, h.text, h.exact) for h in CueMatcher(phrases).hits(lemma_nlp()(text))]


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
    best = best_key(matcher.hits(lemma_nlp()("bin day: the recycling and garden waste were missed")))
    assert best is not None and best[0] == "b"

"""A gated pattern finds exactly what its regular expression finds: the needles never hide a match."""

from __future__ import annotations

import pytest

from bot.parse import parse_message
from classifiers import recipients, text
from classifiers.gated import gated
from classifiers.pipeline import text_for
from tests.conftest import ROOT

PATTERNS = {name: getattr(text, name) for name in ("_CE_TITLE", "_CHIEF_TITLE", "_AN_OFFICER", "_CONDUCT")} | {"_COPIED": recipients._COPIED}


def test_gate_closes_without_a_needle() -> None:
    p = gated(r"\b(cat|dog)s?\b", "cat", "dog")
    assert p.search("a bird and a fish") is None
    assert p.search("two dogs").group(0) == "dogs"  # type: ignore[union-attr]
    assert p.search("concatenate") is None  # needle present, the pattern still decides


@pytest.mark.parametrize(
    "phrase",
    ["our chief executive said", "the ceo", "head of paid service", "y prif weithredwr", "the s151 officer", "section 151",
     "s. 151", "the chief finance officer", "our strategic director", "the monitoring officer", "your case officer was rude",
     "one of your housing officer's", "the social worker's manner", "an advisor", "the named caseworker", "that engineer",
     "a member of staff", "she was patronising", "he hung up", "the handling of this", "they promised", "behaviour", "condescending",
     "i've copied in the resident", "i have cc'd mrs lane", "i'm also copying the clerk", "have included the parish", "i cc-ed her", "i ccd him", "i have also cced the clerk", "i've copied"],
)
def test_needles_cover_every_alternative(phrase: str) -> None:
    found = [name for name, p in PATTERNS.items() if p.pattern.search(phrase)]
    assert found, phrase  # each phrase is something one of the patterns is for
    for name in found:
        assert PATTERNS[name].search(phrase) is not None, (name, phrase)


def test_same_matches_as_the_bare_patterns_on_corpus_messages() -> None:
    files = sorted((ROOT / "corpus" / "train").rglob("*.eml"))[::3] + sorted((ROOT / "corpus" / "dev").rglob("*.eml"))
    matched = 0
    for path in files:
        lowered = text_for(parse_message(path.read_bytes(), path.name)).lower()
        for name, p in PATTERNS.items():
            bare = p.pattern.search(lowered)
            got = p.search(lowered)
            assert (got and got.span()) == (bare and bare.span()), (path.name, name)
            matched += bare is not None
    assert matched > 200


def test_search_text_is_case_insensitive_and_its_offsets_are_the_texts() -> None:
    p = gated(r"\bcopied in\b", "copied")
    written = "Note: I've COPIED IN the resident."
    hit = p.search_text(written)
    assert hit is not None and written[hit.start() : hit.end()] == "COPIED IN"
    # "İ" lower-cases to two characters, so the lower-cased offsets would be one off: the
    # search runs on the text as written instead.
    shifted = "İ: I've Copied In the resident."
    hit = p.search_text(shifted)
    assert hit is not None and shifted[hit.start() : hit.end()] == "Copied In"
    assert p.search_text("nothing to see") is None


def test_a_search_from_the_first_needle_still_sees_the_character_before_it() -> None:
    p = gated(r"\b(tone|rude)\w*", "tone", "rude", within=0)
    hit = p.search("the stone was rude, the tone worse")  # "tone" in "stone" is not a word start
    assert hit is not None and hit.group(0) == "rude"
    assert p.search("stones and atoned") is None
    assert p.search("tone").span() == (0, 4)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", [name for name, p in PATTERNS.items() if p.within == 0])
def test_patterns_searched_from_a_needle_begin_every_alternative_with_one(name: str) -> None:
    source = PATTERNS[name].pattern.pattern
    assert source.startswith(r"\b(")
    alternatives = source[3 : source.index(")")].split("|")
    for alternative in alternatives:
        assert any(alternative.startswith(n) for n in PATTERNS[name].needles), (name, alternative)


def test_a_search_from_before_the_first_needle_finds_a_match_that_starts_before_it() -> None:
    # The needle ("copied") is 12 characters into the match: a search from the needle
    # itself would miss "i have also copied", so it starts ``within`` characters earlier.
    p = gated(r"\bi have\s{1,8}(also\s{1,8})?copied in\b", "copied", within=26)
    far = "nothing here. " * 200 + "i have also copied in the clerk."
    assert p.search(far).span() == p.pattern.search(far).span()  # type: ignore[union-attr]
    assert p.search("copied in, but by whom?") is None
    assert p.search("i have copied in").span() == (0, 16)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", [name for name, p in PATTERNS.items() if p.within])
def test_patterns_searched_from_before_a_needle_find_what_the_bare_pattern_finds_after_long_text(name: str) -> None:
    # Every phrase of the coverage test above, placed after 3,000 characters with no needle.
    p = PATTERNS[name]
    for phrase in ("i've copied in the resident", "i have also cced the clerk", "have included the parish", "the s151 officer",
                   "section 151", "our strategic director", "the assistant chief executive"):
        text = "the bins were late again. " * 120 + phrase
        bare = p.pattern.search(text)
        assert (p.search(text) and p.search(text).span()) == (bare and bare.span()), (name, phrase)  # type: ignore[union-attr]

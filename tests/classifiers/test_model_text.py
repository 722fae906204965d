"""``nlp.model_text``: what the pipeline reads, with the offsets of the text as written."""

from __future__ import annotations

import pytest

from classifiers.nlp import blank_pipeline, model_text

DISCLAIMER = ("Kind regards\nCllr Odette Pryor-Hale\n" + "*" * 68 + "\nCONFIDENTIALITY NOTICE: This email is intended solely for the addressee.\n"
              + "=" * 40 + "\n")


def test_a_drawn_line_is_read_as_its_character_once() -> None:
    nlp = blank_pipeline()
    read = model_text(DISCLAIMER)
    assert len(read) == len(DISCLAIMER)  # evidence offsets in the text as written still hold
    words = [t.text for t in nlp.make_doc(read)]
    assert words.count("*") == 1 and words.count("=") == 1
    assert [t.text for t in nlp.make_doc(DISCLAIMER.lower())].count("*") == 68  # what the bag of words counted before


@pytest.mark.parametrize("text", [
    "-----Original Message-----\nFrom: Mair Pritchard",  # a forward marker: read as it stands
    "Is it really three weeks??? Nobody has called!!!!",  # a writer's own emphasis
    "A *very* long wait... and a ** footnote",  # shorter runs
])
def test_other_punctuation_is_read_as_written(text: str) -> None:
    assert model_text(text) == text.lower()


def test_a_text_whose_lower_case_is_longer_is_left_as_it_is() -> None:
    text = "İlkay Demir wrote ******"
    assert model_text(text) == text

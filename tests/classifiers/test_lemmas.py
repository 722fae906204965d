"""The array-based lookup lemmatizer gives exactly spaCy's lookup lemmas."""

from __future__ import annotations

import spacy

from bot.parse import parse_message
from classifiers.nlp import blank_pipeline, model_text
from classifiers.pipeline import text_for
from tests.conftest import ROOT


def test_same_lemmas_as_spacy_lookup_lemmatizer_on_corpus_messages() -> None:
    ours = blank_pipeline()
    reference = spacy.blank("en")
    reference.add_pipe("lemmatizer", config={"mode": "lookup"})
    reference.initialize()
    files = sorted((ROOT / "corpus" / "dev").rglob("*.eml"))[::3]
    assert len(files) > 50
    changed = 0
    for path in files:
        text = text_for(parse_message(path.read_bytes(), path.name))
        for t in (text, model_text(text)):
            got = [tok.lemma_ for tok in ours(t)]
            expected = [tok.lemma_ for tok in reference(t)]
            assert got == expected, path.name
            changed += sum(1 for tok, lemma in zip(reference(t), expected) if lemma != tok.text)
    assert changed > 500  # the table was really used, not just words copied over


def test_a_word_the_table_does_not_know_is_its_own_lemma() -> None:
    nlp = blank_pipeline()
    doc = nlp("Glenmorranshire councillors were planning")
    assert [t.lemma_ for t in doc] == ["Glenmorranshire", "councillor", "be", "plan"]

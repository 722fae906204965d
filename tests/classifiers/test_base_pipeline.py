"""A council's own pretrained pipeline (``[classifiers] base_pipeline``) under our classifier.

No official pretrained pipeline can be installed here, so a saved pipeline stands in for
one: spaCy loads either from a name or a folder. Its lemmatizer makes other lemmas than
ours, as a rule lemmatizer would; the classifier must still read the lemmas it was
trained on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from classifiers.nlp import MODEL_DIR, load_pipeline, model_text


@Language.component("test_other_lemmas")
def other_lemmas(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.lower_[::-1]  # nothing like the lookup table's
    return doc


@pytest.fixture()
def council_pipeline(tmp_path: Path) -> str:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_other_lemmas")
    nlp.to_disk(tmp_path / "council_pipeline")
    return str(tmp_path / "council_pipeline")


def test_the_classifier_scores_as_it_does_on_our_own_pipeline(council_pipeline: str) -> None:
    ours, _, _ = load_pipeline(MODEL_DIR)
    theirs, _, _ = load_pipeline(MODEL_DIR, base=council_pipeline)
    assert theirs.pipe_names[:2] == ["sentencizer", "test_other_lemmas"]
    assert theirs.pipe_names.index("mq_lemmatizer") == theirs.pipe_names.index("textcat_multilabel") - 1
    text = model_text("I should say my sons were both living on Mill Lane when the applications went in.\n\nMill Lane parking")
    a, b = ours(text), theirs(text)
    assert list(b.sents)  # the council's own components ran
    for label, score in a.cats.items():
        assert b.cats[label] == pytest.approx(score, abs=1e-6)

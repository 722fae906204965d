"""``mq.TextCatBOW.v1``/``v2`` are spaCy's bag-of-words classifier: same n-gram keys, counts and scores."""

from __future__ import annotations

import os

import numpy as np
import pytest
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.attrs import LEMMA, ORTH

from bot.parse import parse_message
from spacy.ml.models.textcat import build_bow_text_classifier_v3

from classifiers.bow import build_bow_text_classifier, build_bow_text_classifier_v2, with_attr
from classifiers.kernels import KERNELS
from classifiers.nlp import blank_pipeline, model_text
from classifiers.pipeline import text_for
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(bool(os.environ.get("MQ_NO_KERNELS")), reason="MQ_NO_KERNELS set: numpy paths only")


def _docs() -> list:
    nlp = blank_pipeline()
    files = sorted((ROOT / "corpus" / "dev").rglob("*.eml"))[::3]
    texts = [model_text(text_for(parse_message(p.read_bytes(), p.name))) for p in files]
    # Lemmatized, as in the pipeline: "was"/"were" → "be", "applications" → "application".
    lemmatize = nlp.get_pipe("lemmatizer")
    return [lemmatize(nlp.make_doc(t)) for t in texts + ["x", "a a a a", "the the cat the the", "they were my sons' applications"]]


@pytest.mark.parametrize("attr", [ORTH, LEMMA])
def test_compiled_ngrams_are_spacys(attr: int) -> None:
    docs = _docs()
    spacy_layer = extract_ngrams(2, attr=attr)
    (keys, vals, lengths), _ = spacy_layer(docs, is_train=False)
    got_keys, got_vals, got_lengths = KERNELS.bow_ngrams(docs, 2, attr == LEMMA)  # type: ignore[union-attr]
    assert got_keys.dtype == keys.dtype and got_vals.dtype == np.float32 and got_lengths.dtype == np.int32
    assert np.array_equal(got_lengths, lengths)
    assert np.array_equal(got_keys, keys)
    assert np.array_equal(got_vals, vals)
    assert vals.max() > 1  # repeated words and bigrams were counted, not just listed
    # Both ways the kernel sorts a Doc's keys: a comparison sort for a few, by bytes for many.
    assert min(len(d) for d in docs) < 32 and max(len(d) for d in docs) > 200


def test_same_scores_as_spacy_textcat_bow_with_the_same_weights() -> None:
    docs = _docs()
    ours = build_bow_text_classifier(False, 2, False, length=4096, nO=3)
    theirs = build_bow_text_classifier_v3(False, 2, False, length=4096, nO=3)
    assert [n.name for n in ours.walk()] == [n.name for n in theirs.walk()]
    ours.initialize()
    theirs.initialize()
    rng = np.random.default_rng(7)
    for layer in (ours, theirs):
        sparse = layer.get_ref("output_layer")
        sparse.set_param("W", rng.normal(size=sparse.get_param("W").shape).astype("f"))
        sparse.set_param("b", np.array([0.1, -0.2, 0.3], dtype="f"))
        rng = np.random.default_rng(7)
    assert np.allclose(ours.predict(docs), theirs.predict(docs), atol=1e-6)
    # The weights really differ per n-gram: the scores are not all alike.
    assert np.ptp(ours.predict(docs)[:, 0]) > 0.05
    # And a saved model loads into either.
    assert np.allclose(theirs.from_bytes(ours.to_bytes()).predict(docs), ours.predict(docs), atol=1e-6)


def test_lemma_model_is_spacys_bow_over_lemmas() -> None:
    docs = _docs()
    ours = build_bow_text_classifier_v2(False, 2, False, length=4096, nO=3)
    theirs = with_attr(build_bow_text_classifier_v3(False, 2, False, length=4096, nO=3), 2, LEMMA)  # thinc's own layer, attr=LEMMA
    words = build_bow_text_classifier_v3(False, 2, False, length=4096, nO=3)
    for layer in (ours, theirs, words):
        layer.initialize()
        rng = np.random.default_rng(11)
        sparse = layer.get_ref("output_layer")
        sparse.set_param("W", rng.normal(size=sparse.get_param("W").shape).astype("f"))
        sparse.set_param("b", np.array([0.1, -0.2, 0.3], dtype="f"))
    assert np.allclose(ours.predict(docs), theirs.predict(docs), atol=1e-6)
    # Lemmas, not words: the same weights give other scores than the word model's.
    assert not np.allclose(ours.predict(docs), words.predict(docs), atol=1e-3)


def test_unknown_attr_is_refused() -> None:
    with pytest.raises(ValueError, match="attr must be one of ORTH, LEMMA"):
        build_bow_text_classifier_v2(False, 2, False, length=4096, nO=3, attr="NORM")

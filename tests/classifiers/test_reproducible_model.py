"""The shipped model is exactly what `mqtriage train` produces from the corpus."""

from __future__ import annotations

import json

import pytest

from classifiers.nlp import MODEL_DIR, TEXT_LABELS, load_pipeline
from classifiers.train import combined_scores, corpus_examples, train
from tests.conftest import ROOT


@pytest.mark.slow
def test_shipped_model_matches_a_fresh_training_run() -> None:
    train_examples = corpus_examples(ROOT / "corpus" / "train")
    dev_examples = corpus_examples(ROOT / "corpus" / "dev")
    nlp, thresholds, weights = train(train_examples, dev_examples)
    shipped_nlp, shipped_thresholds, shipped_weights = load_pipeline(MODEL_DIR)
    assert thresholds == shipped_thresholds, "thresholds differ: run `mqtriage train` and commit classifiers/model"
    for label in TEXT_LABELS:
        assert weights[label] == pytest.approx(shipped_weights[label], abs=1e-6), f"combiner weights for {label} differ"
    probe = dev_examples[:40]
    fresh = combined_scores(nlp, weights, probe)
    old = combined_scores(shipped_nlp, shipped_weights, probe)
    for a, b in zip(fresh, old):
        for label in TEXT_LABELS:
            assert a[label] == pytest.approx(b[label], abs=1e-6)
    assert json.loads((MODEL_DIR / "thresholds.json").read_text()) == shipped_thresholds

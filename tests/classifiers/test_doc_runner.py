"""The stage-by-stage runner gives exactly what ``nlp.pipe`` gives, and knows when it cannot."""

from __future__ import annotations

import os

import numpy as np
import pytest
import spacy

from bot.directory import Directory
from bot.parse import parse_message
from classifiers.doc_runner import DocRunner, bow_scorer, per_doc_steps
from classifiers.hits import HITS_KEY
from classifiers.kernels import KERNELS
from classifiers.nlp import load_pipeline, model_text
from classifiers.pipeline import Detectors, text_for
from tests.conftest import ROOT

needs_kernels = pytest.mark.skipif(KERNELS is None or bool(os.environ.get("MQ_NO_KERNELS")), reason="compiled kernels not in use")


def _messages() -> list:
    files = sorted((ROOT / "corpus" / "dev").rglob("*.eml"))[::2]
    return [parse_message(p.read_bytes(), p.name) for p in files]


def _pairs(messages: list) -> list[tuple[str, str]]:
    return [(model_text(text_for(m)), text_for(m)) for m in messages]


@needs_kernels
def test_shipped_pipeline_runs_one_doc_at_a_time_with_spacys_results() -> None:
    nlp, _, _ = load_pipeline()
    runner = DocRunner(nlp)
    assert runner.per_doc
    pairs = _pairs(_messages())
    ours = list(runner(pairs))
    theirs = list(nlp.pipe(pairs, as_tuples=True, batch_size=64))
    assert len(ours) == len(theirs) == len(pairs)
    labels = list(nlp.get_pipe("textcat_multilabel").labels)
    a = np.array([[d.cats[label] for label in labels] for d, _ in ours])
    b = np.array([[d.cats[label] for label in labels] for d, _ in theirs])
    assert np.abs(a - b).max() < 1e-6  # float32 sums in thinc's order; exp may differ in the last bit
    assert np.ptp(a[:, 0]) > 0.5  # real scores, not a constant
    for (d1, c1), (d2, c2) in zip(ours, theirs):
        assert c1 == c2 and d1.text == d2.text
        assert [t.lemma_ for t in d1] == [t.lemma_ for t in d2]
        assert d1.user_data[HITS_KEY].spans == d2.user_data[HITS_KEY].spans
    # Batch boundaries (one per text, a size that leaves a short last batch) change nothing.
    for size in (1, 7):
        again = list(runner(iter(pairs), batch_size=size))
        assert [c for _, c in again] == [c for _, c in ours]
        assert [d.cats for d, _ in again] == [d.cats for d, _ in ours]


def test_falls_back_to_batches_without_kernels_or_with_other_components() -> None:
    nlp, _, _ = load_pipeline()
    assert per_doc_steps(nlp, kernels=None) is None
    assert not DocRunner(nlp, kernels=None).per_doc
    with_sentencizer, _, _ = load_pipeline()
    with_sentencizer.add_pipe("sentencizer", first=True)  # stands for a council's parser
    runner = DocRunner(with_sentencizer)
    assert not runner.per_doc
    pairs = _pairs(_messages()[:10])
    docs = [d for d, _ in runner(pairs)]
    assert all(d.has_annotation("SENT_START") for d in docs if len(d) > 1)


@needs_kernels
def test_other_textcat_architectures_are_left_to_thinc() -> None:
    nlp = spacy.blank("en")
    exclusive = nlp.add_pipe("textcat", config={"model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 1, "no_output_layer": False}})
    exclusive.add_label("a")
    exclusive.add_label("b")
    nlp.initialize()
    assert bow_scorer(exclusive, KERNELS) is None  # softmax output, not the logistic BowScorer repeats
    assert per_doc_steps(nlp, KERNELS) is None


@needs_kernels
def test_classify_is_the_same_one_doc_at_a_time(directory: Directory) -> None:
    per_doc = Detectors.load(directory)
    batched = Detectors.load(directory)
    batched.runner = DocRunner(batched.nlp, kernels=None)
    assert per_doc.runner.per_doc and not batched.runner.per_doc
    messages = _messages()
    for a, b in zip(per_doc.classify_many(messages), batched.classify_many(messages)):
        for label, finding in a.findings.items():
            other = b.findings[label]
            assert finding.value == other.value and finding.evidence == other.evidence and finding.kind == other.kind, label
            assert abs(finding.score - other.score) < 1e-6

"""Run the classify pipeline stage by stage over small batches, without thinc.

``nlp.pipe`` batches Docs so that neural components can do matrix work on many at
once. Our default pipeline has no such component: the lookup lemmatizer and the cue
marker are per-token loops, and the bag-of-words classifier is a sparse sum per Doc
that the compiled ``BowScorer`` does directly, so thinc's layers would spend more on
call overhead than on the sum. What batching still buys is locality: the tokenizer's
rules and cache, the cue tables and the classifier's weight rows each stay in
the CPU cache while a stage runs over the whole batch (measured: ≈10 % faster than
taking each text through every stage in turn). So, when every component is one of
these, the runner tokenizes a batch, runs each step over it and yields the Docs;
otherwise (a council's pretrained tagger or parser, no compiled kernels, another
textcat architecture) ``nlp.pipe`` runs as spaCy intends.
``tests/classifiers/test_doc_runner.py`` checks that both give the same Docs and scores.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterable, Iterator

from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc

from classifiers.bow import ATTRS as COMPILED_ATTRS
from classifiers.cues import CueMarker
from classifiers.kernels import KERNELS
from classifiers.lemmas import FastLookupLemmatizer

Step = Callable[[Doc], Any]

# The layer tree of spacy.TextCatBOW.v3 (and mq.TextCatBOW.v1, v2) with a logistic output:
# the one architecture whose arithmetic BowScorer repeats.
BOW_LOGISTIC = "with_cpu(extract_ngrams>>resizable(sparse_linear))>>with_cpu(logistic)"
PER_DOC_COMPONENTS = (FastLookupLemmatizer, CueMarker)


def bow_scorer(textcat: TextCategorizer, kernels: Any) -> Step | None:
    """A per-Doc step that sets ``doc.cats`` as the textcat would, or None if it cannot."""
    model = textcat.model
    if kernels is None or model.name != BOW_LOGISTIC:
        return None
    layers = {node.name: node for node in model.walk()}
    ngrams, linear = layers["extract_ngrams"], layers["sparse_linear"]
    if ngrams.attrs.get("attr") not in COMPILED_ATTRS.values() or linear.attrs.get("v1_indexing", True):
        return None
    labels = tuple(textcat.labels)
    n_out, length = linear.get_dim("nO"), linear.get_dim("length")
    if n_out != len(labels):
        return None
    scorer = kernels.BowScorer(linear.get_param("W"), linear.get_param("b"), n_out, length, ngrams.attrs["ngram_size"], ngrams.attrs["attr"] == LEMMA)

    def set_cats(doc: Doc) -> Doc:
        doc.cats.update(zip(labels, scorer(doc)))
        return doc

    return set_cats


def per_doc_steps(nlp: Language, kernels: Any = KERNELS) -> list[Step] | None:
    """The pipeline's components as per-Doc steps, or None when one of them wants batches."""
    steps: list[Step] = []
    for _name, component in nlp.pipeline:
        if isinstance(component, TextCategorizer):
            step = bow_scorer(component, kernels)
            if step is None:
                return None
            steps.append(step)
        elif isinstance(component, PER_DOC_COMPONENTS):
            steps.append(component)
        else:
            return None
    return steps


class DocRunner:
    """Docs for ``(text the model reads, text as written)`` pairs, in order."""

    def __init__(self, nlp: Language, kernels: Any = KERNELS) -> None:
        self.nlp = nlp
        self.steps = per_doc_steps(nlp, kernels)

    @property
    def per_doc(self) -> bool:
        return self.steps is not None

    def __call__(self, pairs: Iterable[tuple[str, Any]], batch_size: int = 64) -> Iterator[tuple[Doc, Any]]:
        if self.steps is None:
            yield from self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size)
            return
        make_doc, steps = self.nlp.make_doc, self.steps
        for batch in _batched(pairs, max(1, batch_size)):
            docs = [make_doc(text) for text, _ in batch]
            for step in steps:
                docs = [step(doc) for doc in docs]
            yield from zip(docs, (context for _, context in batch))


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of up to ``size`` items (``itertools.batched`` from Python 3.12 on)."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk

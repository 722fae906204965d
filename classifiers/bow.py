"""``mq.TextCatBOW.v1``: spaCy's bag-of-words text classifier, n-grams counted in compiled code.

The model is exactly ``spacy.TextCatBOW.v3`` (same layers, weights and serialisation);
only its first layer, which lists each Doc's word ids and bigram hashes with their
counts, is replaced by ``classifiers._kernels.bow_ngrams`` when the kernels are built.
spaCy's version does that with five numpy calls per Doc (to_array, ngrams,
concatenate, unique, asarray), which cost more than the linear layer itself.
``tests/classifiers/test_bow.py`` checks both give the same keys, counts and scores.
"""

from __future__ import annotations

from typing import Any

from spacy.attrs import ORTH
from spacy.ml.models.textcat import build_bow_text_classifier_v3
from spacy.util import registry
from thinc.api import Model

from classifiers.kernels import KERNELS

ARCHITECTURE = "mq.TextCatBOW.v1"


def compiled_extract_ngrams(ngram_size: int, kernels: Any) -> Model:
    def forward(model: Model, docs: list, is_train: bool):  # type: ignore[no-untyped-def]
        keys, vals, lengths = kernels.bow_ngrams(docs, model.attrs["ngram_size"])
        return (model.ops.asarray(keys), model.ops.asarray(vals, dtype="f"), model.ops.asarray(lengths, dtype="int32")), lambda dY: []

    return Model("extract_ngrams", forward, attrs={"ngram_size": ngram_size, "attr": ORTH})


@registry.architectures(ARCHITECTURE)
def build_bow_text_classifier(exclusive_classes: bool, ngram_size: int, no_output_layer: bool, length: int = 262144, nO: int | None = None) -> Model:
    # Every setting is spaCy's (the config names only these); the kernels are not a setting.
    return with_kernels(build_bow_text_classifier_v3(exclusive_classes, ngram_size, no_output_layer, length, nO), ngram_size, KERNELS)


def with_kernels(model: Model, ngram_size: int, kernels: Any) -> Model:
    """The same model with its ORTH n-gram layer compiled (unchanged when ``kernels`` is None)."""
    if kernels is None:
        return model
    for node in model.walk():
        for i, layer in enumerate(node.layers):
            if layer.name == "extract_ngrams" and layer.attrs.get("attr") == ORTH:
                node.layers[i] = compiled_extract_ngrams(ngram_size, kernels)
    return model

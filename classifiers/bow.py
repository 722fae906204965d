"""spaCy's bag-of-words text classifier, n-grams counted in compiled code.

``mq.TextCatBOW.v1`` is exactly ``spacy.TextCatBOW.v3`` (same layers, weights and
serialisation): n-grams of the words as written (``ORTH``). ``mq.TextCatBOW.v2`` is the
same model over another token attribute, by default the lemma (``LEMMA``, set by the
lookup lemmatizer earlier in the pipeline): "applications" and "application", "lived"
and "live" share their weights, so a word form one councillor uses and the training
corpus did not still counts. Either way only the first layer, which lists each Doc's
ids and bigram hashes with their counts, is replaced by ``classifiers._kernels.bow_ngrams``
when the kernels are built. spaCy's version does that with five numpy calls per Doc
(to_array, ngrams, concatenate, unique, asarray), which cost more than the linear layer
itself. ``tests/classifiers/test_bow.py`` checks both give the same keys, counts and scores.
"""

from __future__ import annotations

from typing import Any, Callable

from spacy.attrs import LEMMA, ORTH
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import build_bow_text_classifier_v3
from spacy.util import registry
from thinc.api import Model

from classifiers.kernels import KERNELS

ARCHITECTURE = "mq.TextCatBOW.v1"
ARCHITECTURE_V2 = "mq.TextCatBOW.v2"
ATTRS = {"ORTH": ORTH, "LEMMA": LEMMA}  # the attributes the compiled layer can read


def compiled_extract_ngrams(ngram_size: int, kernels: Any, attr: int = ORTH) -> Model:
    lemmas = attr == LEMMA

    def forward(model: Model, docs: list, is_train: bool):  # type: ignore[no-untyped-def]
        keys, vals, lengths = kernels.bow_ngrams(docs, model.attrs["ngram_size"], lemmas)
        return (model.ops.asarray(keys), model.ops.asarray(vals, dtype="f"), model.ops.asarray(lengths, dtype="int32")), lambda dY: []

    return Model("extract_ngrams", forward, attrs={"ngram_size": ngram_size, "attr": attr})


@registry.architectures(ARCHITECTURE)
def build_bow_text_classifier(exclusive_classes: bool, ngram_size: int, no_output_layer: bool, length: int = 262144, nO: int | None = None) -> Model:
    # Every setting is spaCy's (the config names only these); the kernels are not a setting.
    return with_kernels(build_bow_text_classifier_v3(exclusive_classes, ngram_size, no_output_layer, length, nO), ngram_size, KERNELS)


@registry.architectures(ARCHITECTURE_V2)
def build_bow_text_classifier_v2(
    exclusive_classes: bool, ngram_size: int, no_output_layer: bool, length: int = 262144, nO: int | None = None, attr: str = "LEMMA"
) -> Model:
    if attr not in ATTRS:
        raise ValueError(f"{ARCHITECTURE_V2}: attr must be one of {', '.join(ATTRS)}, not {attr!r}")
    model = with_attr(build_bow_text_classifier_v3(exclusive_classes, ngram_size, no_output_layer, length, nO), ngram_size, ATTRS[attr])
    return with_kernels(model, ngram_size, KERNELS)


def with_attr(model: Model, ngram_size: int, attr: int) -> Model:
    """The same model with its n-grams taken over ``attr`` instead of ``ORTH``."""
    _replace_ngrams(model, lambda layer: extract_ngrams(ngram_size, attr=attr))
    return model


def with_kernels(model: Model, ngram_size: int, kernels: Any) -> Model:
    """The same model with its n-gram layer compiled (unchanged when ``kernels`` is None)."""
    if kernels is not None:
        _replace_ngrams(model, lambda layer: compiled_extract_ngrams(ngram_size, kernels, layer.attrs["attr"]))
    return model


def _replace_ngrams(model: Model, make: Callable[[Model], Model]) -> None:
    for node in model.walk():
        for i, layer in enumerate(node.layers):
            if layer.name == "extract_ngrams" and layer.attrs.get("attr") in ATTRS.values():
                node.layers[i] = make(layer)

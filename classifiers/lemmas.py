"""``mq_lookup_lemmatizer_v1``: spaCy's lookup lemmatizer, reading the same
spacy-lookups-data table, applied through token arrays.

spaCy's ``Lemmatizer`` in lookup mode creates a Python ``Token`` per word and asks the
table one word at a time; on our messages that alone cost about as much as
tokenizing. This subclass keeps everything else (initialisation from
spacy-lookups-data, serialisation of the table with the model) and replaces the
per-token loop with a ``searchsorted`` over the table's keys. Same table, same lemmas.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

from classifiers.kernels import KERNELS


@Language.factory("mq_lookup_lemmatizer_v1", default_config={"model": None, "mode": "lookup", "overwrite": False, "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}})
def make_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool, scorer):  # type: ignore[no-untyped-def]
    return FastLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


class FastLookupLemmatizer(Lemmatizer):
    _arrays: tuple[np.ndarray, np.ndarray, list[str], np.ndarray] | None = None
    _kernel = None  # the compiled loop over the same table, when built (classifiers/kernels.py)

    def _table_arrays(self) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
        """The table as sorted key hashes, lemma hashes, lemma strings, and "in the StringStore yet"."""
        if self._arrays is None:
            table = self.lookups.get_table("lemma_lookup")
            items = sorted(dict.items(table))  # keyed by the word's string hash
            keys = np.fromiter((k for k, _ in items), dtype=np.uint64, count=len(items))
            lemmas = [v for _, v in items]
            # The id spaCy gives a string: its hash, or a small symbol id for words such as "be".
            values = np.fromiter((get_string_id(v) for v in lemmas), dtype=np.uint64, count=len(items))
            self._arrays = (keys, values, lemmas, np.zeros(len(items), dtype=bool))
        return self._arrays

    def __call__(self, doc: Doc) -> Doc:
        if self.mode != "lookup" or len(doc) == 0:
            return super().__call__(doc)
        keys, values, lemmas, added = self._table_arrays()
        if len(keys) == 0:
            return super().__call__(doc)
        if KERNELS is not None:
            if self._kernel is None:
                self._kernel = KERNELS.LemmaKernel(keys.tolist(), values.tolist(), lemmas)
            return self._kernel(doc)
        return self.lemmatize_arrays(doc)

    def lemmatize_arrays(self, doc: Doc) -> Doc:
        """The numpy path: one ``searchsorted`` over the table for the whole Doc."""
        keys, values, lemmas, added = self._table_arrays()
        orths = doc.to_array(ORTH)
        at = np.searchsorted(keys, orths)
        at[at == len(keys)] = 0
        known = keys[at] == orths
        # A word the table does not know is its own lemma.
        result = np.where(known, values[at], orths)
        used = at[known]
        fresh = used[~added[used]]
        if len(fresh):  # a lemma's string goes into the StringStore the first time it is used
            strings = doc.vocab.strings
            for i in np.unique(fresh).tolist():
                strings.add(lemmas[i])
            added[fresh] = True
        doc.from_array([LEMMA], result.reshape(-1, 1))
        return doc

    # The table can be replaced by initialisation or loading: drop the arrays built from the old one.
    def initialize(self, get_examples=None, *, nlp=None, lookups=None):  # type: ignore[no-untyped-def]
        self._arrays = self._kernel = None
        return super().initialize(get_examples, nlp=nlp, lookups=lookups)

    def from_disk(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._arrays = self._kernel = None
        return super().from_disk(*args, **kwargs)

    def from_bytes(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._arrays = self._kernel = None
        return super().from_bytes(*args, **kwargs)

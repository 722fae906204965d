"""``mq_lookup_lemmatizer_v1``: spaCy's lookup lemmatizer, reading the same
spacy-lookups-data table, applied through token arrays.

spaCy's ``Lemmatizer`` in lookup mode creates a Python ``Token`` per word and asks the
table one word at a time; on our messages that alone cost about as much as
tokenizing. This subclass keeps everything else (initialisation from
spacy-lookups-data, serialisation of the table with the model) and only replaces the
per-token loop with one pass over ORTH ids. Same table, same lemmas.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc


@Language.factory("mq_lookup_lemmatizer_v1", default_config={"model": None, "mode": "lookup", "overwrite": False, "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}})
def make_lemmatizer(nlp: Language, model, name: str, mode: str, overwrite: bool, scorer):  # type: ignore[no-untyped-def]
    return FastLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


class FastLookupLemmatizer(Lemmatizer):
    def __call__(self, doc: Doc) -> Doc:
        if self.mode != "lookup":
            return super().__call__(doc)
        table = self.lookups.get_table("lemma_lookup")
        strings = doc.vocab.strings
        orths = doc.to_array(ORTH).tolist()
        # The table is keyed by string hashes; a word it does not know is its own lemma.
        lemmas = [strings.add(lemma) if (lemma := dict.get(table, orth)) is not None else orth for orth in orths]
        doc.from_array([LEMMA], np.asarray(lemmas, dtype="uint64").reshape(-1, 1))
        return doc

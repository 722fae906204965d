"""A small logistic combiner over the text classifier's score and the cue counts.

The bag-of-words classifier learns vocabulary; the cue patterns know grammar ("my son",
"the club I chair", "I must declare"). With a few hundred examples neither is enough on
its own, so a per-label logistic regression, fitted on out-of-fold classifier scores,
weighs them. Plain numpy, fixed iterations: reproducible.
"""

from __future__ import annotations

import json
import math
import operator
from pathlib import Path
from typing import Sequence

import numpy as np
from spacy.tokens import Doc

from classifiers.hits import cue_hits
from classifiers.kernels import KERNELS


Offsets = tuple[tuple[int, int], ...]


def outside(found: Offsets, others: Offsets) -> Offsets:
    """The matches in ``found`` that overlap none of ``others`` (token offsets)."""
    if not found or not others:
        return found
    return tuple(c for c in found if not any(o0 <= c[0] < o1 or c[0] <= o0 < c[1] for o0, o1 in others))


def _n(doc: Doc, key: str, cap: int, own: bool = False) -> float:
    hits = cue_hits(doc)
    return float(min(len(hits.own(doc, key) if own else hits.get(key)), cap))


def _complaint_cues(doc: Doc, cap: int) -> float:
    """Dissatisfaction cues in the sender's own words, not inside a request for the complaints procedure."""
    hits = cue_hits(doc)
    procedure = hits.get("complaints_procedure")
    return float(min(len(outside(hits.own(doc, "complaint"), procedure)), cap))


MAIL_CONTEXT_WINDOW = 15  # tokens either side of "my home email" where family and home words are about the mail


def revealed_cues(doc: Doc, key: str) -> Offsets:
    """Revealed-interest cues of one family in the sender's own words, except those denied
    ("not my land"), in an aside ("my husband says", "my cousin's wedding") or in a sentence about which address they are writing from ("my
    grandson set up my home email"). Worked out once per Doc: the combiner and the
    detector's evidence both ask."""
    hits = cue_hits(doc)
    found = hits.derived.get(key)
    if found is None:
        found = hits.derived[key] = _revealed(doc, key)
    return found


def _revealed(doc: Doc, key: str) -> Offsets:
    hits = cue_hits(doc)
    found = hits.own(doc, key)
    if not found:
        return found
    found = outside(found, hits.get("interest_denied"))  # "not my land"
    found = outside(found, hits.get("interest_aside"))  # "my cousin's wedding", "my husband says"
    context = hits.get("mail_context")
    if not context:
        return found
    w = MAIL_CONTEXT_WINDOW
    return tuple(c for c in found if not any(m0 - w <= c[0] < m1 + w for m0, m1 in context))


def declared_cues(doc: Doc) -> Offsets:
    """Declaration cues in the sender's own words, except inside "no interest to declare"."""
    hits = cue_hits(doc)
    found = hits.derived.get("declared")
    if found is None:
        found = outside(hits.own(doc, "interest_declared"), hits.get("interest_negated"))
        # "my register of interests is out of date": the document named, not a declaration.
        found = hits.derived["declared"] = outside(found, hits.get("interest_register"))
    return found


def role_cues(doc: Doc) -> Offsets:
    """Role cues in the sender's own words, except those that are part of a council role:
    "as chairman of the planning committee", "I chair Wrayton Parish Council" are the
    seats a councillor holds, not a stake in a body (LABELS.md)."""
    hits = cue_hits(doc)
    found = hits.derived.get("role")
    if found is None:
        found = hits.derived["role"] = outside(hits.own(doc, "interest_role"), hits.get("council_role"))
    return found


BUSINESS_KEY = "mq_business_sender"  # doc.user_data: a member wrote from a business address (classifiers/mail_providers.py)
SIGNED_KEY = "mq_signed_stake"  # doc.user_data: how surely the member signs with a post in a body, or an address on a street, that the message names (classifiers/signature_stake.py)


def features(doc: Doc, label: str, textcat_score: float) -> list[float]:
    if label == "personal_interest":
        declared = float(min(len(declared_cues(doc)), 2))
        kin = float(min(len(revealed_cues(doc, "interest_kin")), 3))
        own = float(min(len(revealed_cues(doc, "interest_own")), 3))
        role = float(min(len(role_cues(doc)), 3))
        # The bag of words also learns topics (clubs, harbours, pitches) that councillors
        # with a stake happen to write about; with no cue of a stake in the text at all,
        # its score should count for less. The product lets the fit learn how much.
        backed = textcat_score if declared or kin or own or role else 0.0
        return [1.0, textcat_score, backed, declared, kin, own, role, float(min(len(revealed_cues(doc, "interest_weak")), 3)),
                _n(doc, "interest_negated", 2, True), _n(doc, "council_role", 2, True), _n(doc, "interest_denied", 2, True),
                float(bool(doc.user_data.get(BUSINESS_KEY))), float(doc.user_data.get(SIGNED_KEY, 0.0))]
    if label == "complaint":
        return [1.0, textcat_score, _complaint_cues(doc, 6), _n(doc, "complaints_procedure", 2)]
    return [1.0, textcat_score, _n(doc, "request", 6), _n(doc, "no_action", 3)]


FEATURE_COUNTS = {"enquiry": 4, "personal_interest": 13, "complaint": 4}


class Combiner:
    """The combined score of every label the model has weights for, for one Doc.

    ``features`` and ``predict`` above are the reference, and what training fits with;
    at classify time the compiled ``CombinerKernel`` does the same arithmetic for the
    three labels in one call, without a Python call per feature.
    """

    def __init__(self, weights: dict[str, list[float]], kernels: object = KERNELS) -> None:
        self.weights = {label: w for label, w in weights.items() if label in FEATURE_COUNTS}
        self.kernel = kernels.CombinerKernel(self.weights, MAIL_CONTEXT_WINDOW) if kernels is not None and self.weights else None  # type: ignore[attr-defined]

    def __call__(self, doc: Doc) -> dict[str, float]:
        cats = doc.cats
        if self.kernel is not None:
            hits = cue_hits(doc)
            user = doc.user_data
            return self.kernel(hits.spans, cats, lambda: hits.own_limit(doc), bool(user.get(BUSINESS_KEY)), float(user.get(SIGNED_KEY, 0.0)))  # type: ignore[no-any-return]
        return {label: predict(w, features(doc, label, cats[label])) for label, w in self.weights.items() if label in cats}


def fit(rows: Sequence[Sequence[float]], targets: Sequence[float], l2: float = 0.01, steps: int = 3000, lr: float = 0.5) -> list[float]:
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y) + l2 * np.r_[0.0, w[1:]]
        w -= lr * grad
    return [float(v) for v in w]


def predict(weights: Sequence[float], row: Sequence[float]) -> float:
    # Plain Python: for six numbers numpy's call overhead costs more than the sum.
    if len(weights) != len(row):
        # A model trained with other features: map() would silently drop the extra ones.
        raise ValueError(f"combiner has {len(weights)} weights for {len(row)} features: retrain the model (mqtriage train)")
    z = math.fsum(map(operator.mul, weights, row))
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def save_weights(weights: dict[str, list[float]], folder: Path) -> None:
    (folder / "combiner.json").write_text(json.dumps(weights, indent=2, sort_keys=True) + "\n")


def load_weights(folder: Path) -> dict[str, list[float]]:
    path = folder / "combiner.json"
    return json.loads(path.read_text()) if path.exists() else {}

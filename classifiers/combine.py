"""A small logistic combiner over the text classifier's score and the cue counts.

The bag-of-words classifier learns vocabulary; the cue patterns know grammar ("my son",
"the club I chair", "I must declare"). With a few hundred examples neither is enough on
its own, so a per-label logistic regression, fitted on out-of-fold classifier scores,
weighs them. Plain numpy, fixed iterations: reproducible.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
from spacy.tokens import Doc

FORWARD_MARKERS = ("forwarded message", "begin forwarded message", "original message", "\nfrom:", "wrote:\n")


def own_words_end(doc: Doc) -> int:
    """Where the sender's own words end: forwarded or quoted material is someone else's.

    Computed once per Doc (``doc.text`` rebuilds the string on every access).
    """
    cached = doc.user_data.get("mq_own_end")
    if cached is not None:
        return int(cached)
    text = doc.text
    lowered = text.lower()
    cut = len(text)
    for marker in FORWARD_MARKERS:
        pos = lowered.find(marker)
        if 0 <= pos < cut:
            cut = pos
    doc.user_data["mq_own_end"] = cut
    return cut


def own_spans(doc: Doc, key: str) -> list:
    end = own_words_end(doc)
    return [s for s in doc.spans.get(f"mq.{key}", []) if s.start_char < end]


def _n(doc: Doc, key: str, cap: int, own: bool = False) -> float:
    spans = own_spans(doc, key) if own else list(doc.spans.get(f"mq.{key}", []))
    return float(min(len(spans), cap))


def _complaint_cues(doc: Doc, cap: int) -> float:
    """Dissatisfaction cues in the sender's own words, not inside a request for the complaints procedure."""
    procedure = list(doc.spans.get("mq.complaints_procedure", []))
    cues = [c for c in own_spans(doc, "complaint") if not any(p.start <= c.start < p.end or c.start <= p.start < c.end for p in procedure)]
    return float(min(len(cues), cap))


def features(doc: Doc, label: str, textcat_score: float) -> list[float]:
    if label == "personal_interest":
        return [1.0, textcat_score, _n(doc, "interest_declared", 2, True), _n(doc, "interest_kin", 3, True),
                _n(doc, "interest_own", 3, True), _n(doc, "interest_role", 3, True)]
    if label == "complaint":
        return [1.0, textcat_score, _complaint_cues(doc, 6), _n(doc, "complaints_procedure", 2)]
    return [1.0, textcat_score, _n(doc, "request", 6), _n(doc, "no_action", 3)]


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
    z = float(np.dot(weights, row))
    return float(1.0 / (1.0 + np.exp(-z)))


def save_weights(weights: dict[str, list[float]], folder: Path) -> None:
    (folder / "combiner.json").write_text(json.dumps(weights, indent=2, sort_keys=True) + "\n")


def load_weights(folder: Path) -> dict[str, list[float]]:
    path = folder / "combiner.json"
    return json.loads(path.read_text()) if path.exists() else {}

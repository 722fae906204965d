"""Precision, recall and F1 per label; macro-F1; accuracy of the categorical outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class BinaryCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    def __add__(self, other: "BinaryCounts") -> "BinaryCounts":
        """Counts pooled over two sets of messages (councils, folds)."""
        return BinaryCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class Report:
    labels: dict[str, BinaryCounts] = field(default_factory=dict)
    complaint_about: Accuracy = field(default_factory=Accuracy)
    sender_facts: Accuracy = field(default_factory=Accuracy)
    due: Accuracy = field(default_factory=Accuracy)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    suggested_thresholds: dict[str, float] | None = None  # chosen on these same messages (evaluate --suggest-thresholds)

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.labels.values()) / len(self.labels) if self.labels else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "labels": {k: v.as_dict() for k, v in self.labels.items()},
            "macro_f1": round(self.macro_f1, 4),
            "complaint_about_accuracy": _round(self.complaint_about.value),
            "complaint_about_n": self.complaint_about.total,
            "sender_facts_accuracy": _round(self.sender_facts.value),
            "due_exact_match": _round(self.due.value),
            "due_n": self.due.total,
            "wrong": self.wrong,
        } | ({"suggested_thresholds": self.suggested_thresholds} if self.suggested_thresholds is not None else {})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

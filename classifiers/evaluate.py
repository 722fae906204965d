"""``mqtriage evaluate``: measure the detectors (and deadlines) on labelled corpora."""

from __future__ import annotations

from pathlib import Path

from bot.classify_files import FileClassifier
from bot.state import MessageState
from classifiers.corpus import find_corpora, load_corpus
from classifiers.findings import LABELS
from classifiers.metrics import BinaryCounts, Report
from classifiers.nlp import TEXT_LABELS
from classifiers.pipeline import Detectors
from classifiers.text import UNCUED_MARGIN, quotes_a_stake
from classifiers.train import best_threshold


def evaluate(root: Path, detectors: Detectors | None = None, config_path: Path | None = None, suggest_thresholds: bool = False) -> Report:
    """Per-label counts over every corpus folder below ``root``; with ``suggest_thresholds``
    also, per text label, the threshold that would have given the best F1 on these messages."""
    report = Report(labels={label: BinaryCounts() for label in LABELS})
    scored: dict[str, list[tuple[float, bool]]] = {label: [] for label in TEXT_LABELS}
    for folder in find_corpora(root):
        corpus = load_corpus(folder, config_path)
        classifier = FileClassifier.from_config(corpus.config, detectors)
        detectors = detectors or classifier.detectors
        for example in corpus.examples:
            state = classifier.state_for(example.path.read_bytes(), example.path.name)
            gold = example.labels
            wrong_labels = []
            for label in LABELS:
                predicted = bool(state.findings[label].value)
                report.labels[label].add(predicted, bool(gold[label]))
                if predicted != bool(gold[label]):
                    wrong_labels.append(label)
            if gold["complaint"]:
                ok = state.kind("complaint") == gold["complaint_about"]
                report.complaint_about.add(ok)
                if not ok and "complaint" not in wrong_labels:
                    wrong_labels.append("complaint_about")
            if suggest_thresholds:
                for label in TEXT_LABELS:
                    scored[label].append((bar_score(state, label), bool(gold[label])))
            report.sender_facts.add(state.flag("sender_is_member") == bool(gold["sender_is_member"]) and state.flag("personal_address") == bool(gold["personal_address"]))
            if gold.get("due"):
                predicted_due = state.deadline.due.isoformat() if state.deadline else None
                report.due.add(predicted_due == gold["due"])
                if predicted_due != gold["due"]:
                    wrong_labels.append("due")
            report.messages += 1
            if wrong_labels:
                report.wrong.append({
                    "file": str(example.path.relative_to(root) if example.path.is_relative_to(root) else example.path),
                    "wrong": wrong_labels,
                    "gold": {k: gold[k] for k in wrong_labels if k in gold} | ({"complaint_about": gold["complaint_about"]} if "complaint_about" in wrong_labels else {}),
                    "predicted": {k: state.findings[k].value for k in wrong_labels if k in state.findings} | ({"complaint_about": state.kind("complaint")} if "complaint_about" in wrong_labels else {}),
                    "scores": {k: round(state.findings[k].score, 3) for k in wrong_labels if k in state.findings},
                    "evidence": {k: [e.to_dict() for e in state.findings[k].evidence][:2] for k in wrong_labels if k in state.findings},
                })
    if suggest_thresholds:
        report.suggested_thresholds = {label: best_threshold([s for s, _ in pairs], [g for _, g in pairs]) for label, pairs in scored.items()}
    return report


def bar_score(state: MessageState, label: str) -> float:
    """The score as a threshold sees it: for an interest with no stake to quote, less the
    margin the classifier alone must clear (``text.UNCUED_MARGIN``), so the suggested
    threshold is the best one under the detector's own rule."""
    score = state.findings[label].score
    if label != "personal_interest" or state.doc is None:
        return score
    return score if quotes_a_stake(state.doc) else score - UNCUED_MARGIN

"""A council's own thresholds (``[classifiers] thresholds``) over the model's, and how it finds them."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from bot.directory import load_directory
from bot.parse import parse_message
from classifiers.evaluate import evaluate
from classifiers.pipeline import Detectors
from classifiers.train import best_threshold
from tests.conftest import ROOT, write_config

ENQUIRY = b"From: cllr.jean.thirkettle@brackenford.gov.uk\nTo: memberqueries@brackenford.gov.uk\nSubject: Pelham Lane\n\nCould you tell me when the verges on Pelham Lane will be cut?\n"


def test_council_thresholds_override_the_models_and_only_the_named_labels(config_dir: Path) -> None:
    path = write_config(config_dir, extra="[classifiers]\nthresholds = { enquiry = 0.99 }\n")
    config = load_config(path)
    directory = load_directory(config)
    own = Detectors.from_config(directory, config)
    shipped = Detectors.load(directory)
    assert own.thresholds["enquiry"] == 0.99 and own.model_thresholds == shipped.thresholds
    assert own.thresholds["personal_interest"] == shipped.thresholds["personal_interest"]
    message = parse_message(ENQUIRY, "k")
    assert shipped.classify(message).findings["enquiry"].value is True
    assert own.classify(message).findings["enquiry"].value is False  # same score, the council's bar
    # Another council's rosters and overrides start again from the model's own thresholds.
    other = own.with_directory(directory, {"complaint": 0.9})
    assert other.thresholds == {**shipped.thresholds, "complaint": 0.9}


def test_best_threshold_maximises_f1_and_prefers_the_middle_on_ties() -> None:
    assert best_threshold([0.1, 0.2, 0.6, 0.7], [False, False, True, True]) == 0.5
    assert best_threshold([0.3, 0.35, 0.8], [False, True, True]) == 0.35  # keeps 0.35, drops 0.3; the highest such
    assert best_threshold([0.9, 0.1], [False, True]) == 0.1


def test_suggested_thresholds_score_at_least_as_well_on_the_same_messages() -> None:
    folder = ROOT / "corpus" / "dev" / "skervaig"
    report = evaluate(folder, suggest_thresholds=True)
    suggested = report.suggested_thresholds
    assert suggested is not None and set(suggested) == {"enquiry", "personal_interest", "complaint"}
    config = load_config(folder / "config.toml")
    tuned = Detectors.load(load_directory(config), thresholds=suggested)
    again = evaluate(folder, tuned)
    for label in suggested:
        assert again.labels[label].f1 >= report.labels[label].f1 - 1e-9, label

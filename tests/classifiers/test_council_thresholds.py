"""A council's own thresholds (``[classifiers] thresholds``) over the model's, and how it finds them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import load_config
from bot.directory import load_directory
from bot.parse import parse_message
from classifiers.evaluate import evaluate
from classifiers.pipeline import Detectors
from classifiers.train import Calibration, TextExample, best_threshold, choose_thresholds, prior_shift
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


def test_suggested_thresholds_score_at_least_as_well_on_the_same_messages(tmp_path: Path) -> None:
    folder = ROOT / "corpus" / "dev" / "skervaig"
    report = evaluate(folder, suggest_thresholds=True)
    suggested = report.suggested_thresholds
    assert suggested is not None and set(suggested) == {"enquiry", "personal_interest", "complaint"}
    # The council's own config names them, as a council would set them: evaluate takes
    # each folder's thresholds from its config.toml.
    again = evaluate(with_thresholds(tmp_path, folder, suggested))
    for label in suggested:
        assert again.labels[label].f1 >= report.labels[label].f1 - 1e-9, label
    assert any(again.labels[label].f1 > report.labels[label].f1 for label in suggested)


def with_thresholds(tmp_path: Path, folder: Path, thresholds: dict[str, float]) -> Path:
    """A copy of a corpus folder whose council has set its own thresholds."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    with (copy / "config.toml").open("a") as config:
        config.write("\n[classifiers]\nthresholds = { " + ", ".join(f"{k} = {v}" for k, v in thresholds.items()) + " }\n")
    return copy


def _calibration(training: list[tuple[float, bool]], dev: list[tuple[float, bool]]) -> Calibration:
    """Interest and complaint scored alike, so the two labels differ only by their policy."""
    rows = training + dev
    examples = [TextExample("text", {"enquiry": 1.0, "personal_interest": float(g), "complaint": float(g)}) for _, g in rows]
    scores = [{"enquiry": 0.9, "personal_interest": s, "complaint": s} for s, _ in rows]
    return Calibration(scores, examples, len(dev))


def _separable(cut: float, positives: int, negatives: int) -> list[tuple[float, bool]]:
    return [(cut + 0.03 + i * 0.001, True) for i in range(positives)] + [(cut - 0.03 - i * 0.001, False) for i in range(negatives)]


def test_interest_threshold_counts_the_dev_split_eight_times_and_complaints_do_not() -> None:
    # Training scores separate at 0.30, the unseen voices of dev at 0.60: counted once, the
    # forty training rows decide; counted eight times, the twenty dev rows do.
    training, dev = _separable(0.30, 20, 20), _separable(0.60, 10, 10)
    chosen = choose_thresholds(_calibration(training, dev))
    rows = training + dev
    assert chosen["complaint"] == best_threshold([s for s, _ in rows], [g for _, g in rows])
    assert chosen["complaint"] < 0.40
    assert 0.50 <= chosen["personal_interest"] <= 0.63
    weighted = training + dev * 8
    assert chosen["personal_interest"] == best_threshold([s for s, _ in weighted], [g for _, g in weighted])


def test_interest_threshold_reads_only_members_messages() -> None:
    # A resident's "my son" is never an interest (the detector does not ask). Sixty
    # residents' messages scored 0.40 would, counted as false interests, lift the threshold
    # over every member's interest scored 0.33; they must not count at all.
    training = [(0.33, True)] * 10 + [(0.55, True)] * 10 + [(0.20, False)] * 20
    dev = [(0.33, True)] + [(0.55, True)] * 2 + [(0.20, False)] * 5
    calibration = _calibration(training, dev)
    assert choose_thresholds(calibration)["personal_interest"] == 0.33
    residents = [TextExample("text", {"enquiry": 1.0, "personal_interest": 0.0, "complaint": 0.0}, member=False) for _ in range(60)]
    with_residents = Calibration([{"enquiry": 0.9, "personal_interest": 0.40, "complaint": 0.1} for _ in residents] + calibration.scores,
                                 residents + calibration.examples, calibration.n_dev)
    assert choose_thresholds(with_residents)["personal_interest"] == 0.33
    as_members = Calibration(with_residents.scores, [TextExample(e.text, e.cats) for e in with_residents.examples], calibration.n_dev)
    assert choose_thresholds(as_members)["personal_interest"] >= 0.41  # the same rows, counted: the threshold moves


def test_prior_shift_keeps_the_decision_when_the_shares_are_equal_and_moves_with_the_odds() -> None:
    assert prior_shift(0.3, 0.2, 0.2) == 0.3
    # Positives half as common in odds (0.25 → 1/7 odds 1/3 → 1/6): the threshold's odds double.
    odds = lambda p: p / (1 - p)  # noqa: E731
    assert odds(prior_shift(0.5, 0.25, 1 / 7)) == pytest.approx(2.0, rel=1e-3)


def test_prior_shift_leaves_the_threshold_when_one_side_has_no_positives() -> None:
    # A dev split without interests (or a calibration set of nothing but): no odds to move.
    assert prior_shift(0.34, 0.3, 0.0) == 0.34
    assert prior_shift(0.34, 1.0, 0.2) == 0.34
    # Without a dev split there is nothing to count twice: the interest policy is the plain best F1.
    no_dev = choose_thresholds(_calibration(_separable(0.40, 30, 70), []))
    assert no_dev["personal_interest"] == no_dev["complaint"]

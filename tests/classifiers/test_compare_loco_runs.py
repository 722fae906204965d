"""``scripts/compare_loco_runs.py``: two LOCO runs judged council by council under one policy."""

from __future__ import annotations

from classifiers.metrics import BinaryCounts
from tests.conftest import load_script

runs = load_script("compare_loco_runs")

# Calibration rows that separate at 0.5: every policy that reads them picks a threshold near it.
CALIBRATION = [[0.8, True], [0.7, True], [0.6, True], [0.3, False], [0.2, False], [0.1, False]]


def _fold(held: list[list]) -> dict:
    return {"threshold": 0.99, "held": held, "calibration": CALIBRATION}  # the written threshold is ignored


def test_each_council_is_scored_at_the_threshold_the_policy_picks_from_its_own_run() -> None:
    before = {"alpha": _fold([[0.9, True], [0.75, False]]), "beta": _fold([[0.9, True]]), "only_before": _fold([[0.9, True]])}
    after = {"alpha": _fold([[0.9, True], [0.35, False]]), "beta": _fold([[0.4, True]]), "only_after": _fold([[0.9, True]])}
    results = runs.compare(before, after, runs.policies(0)["best F1"])
    assert [r.council for r in results] == ["alpha", "beta"]  # councils in both files only
    alpha, beta = results
    assert (alpha.before.fp, alpha.after.fp) == (1, 0) and alpha.change == 1
    assert (beta.before.tp, beta.after.fn) == (1, 1) and beta.change == -1
    assert runs.compare(before, before, runs.policies(0)["best F1"])[0].change == 0


def test_the_default_policy_is_the_one_training_uses_for_the_label() -> None:
    assert runs.default_policy("personal_interest") == "dev weighted x8"
    assert runs.default_policy("complaint") == "best F1"


def test_counts_pool_by_addition() -> None:
    pooled = sum((BinaryCounts(1, 2, 3, 4), BinaryCounts(10, 20, 30, 40)), BinaryCounts())
    assert pooled == BinaryCounts(11, 22, 33, 44)

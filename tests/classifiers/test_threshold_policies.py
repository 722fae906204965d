"""``scripts/compare_threshold_policies.py``: each policy picks its threshold from the rows it claims to."""

from __future__ import annotations

from tests.conftest import load_script

policies_module = load_script("compare_threshold_policies")


def _rows(cut: float, positives: int, negatives: int) -> list[tuple[float, bool]]:
    """Scores that separate perfectly at ``cut``: positives just above it, negatives just below."""
    return [(round(cut + 0.02 + i * 0.001, 3), True) for i in range(positives)] + [(round(cut - 0.03 - i * 0.001, 3), False) for i in range(negatives)]


def test_dev_only_reads_only_the_dev_rows() -> None:
    training, dev = _rows(0.30, 40, 60), _rows(0.70, 10, 10)
    choose = policies_module.policies(len(dev))
    assert abs(choose["dev only"](training + dev) - 0.70) <= 0.03
    # With every row, the many training rows win: the best F1 sits lower.
    assert choose["best F1"](training + dev) < 0.70


def test_prior_shift_moves_the_threshold_only_when_the_shares_differ() -> None:
    training = _rows(0.40, 30, 70) + [(0.45, False), (0.35, True)]  # some overlap, so the best point is not the whole range
    same_share = _rows(0.40, 3, 7)
    rarer = _rows(0.40, 1, 9)
    choose_same = policies_module.policies(len(same_share))
    assert abs(choose_same["prior shift"](training + same_share) - choose_same["best F1"](training + same_share)) < 0.01
    choose_rarer = policies_module.policies(len(rarer))
    assert choose_rarer["prior shift"](training + rarer) > choose_rarer["best F1"](training + rarer) + 0.02


def test_near_best_middle_takes_the_middle_of_a_flat_stretch() -> None:
    # Perfectly separated between 0.30 and 0.60: every threshold in that gap scores F1 1.0.
    rows = [(0.62 + i * 0.001, True) for i in range(20)] + [(0.28 - i * 0.001, False) for i in range(20)]
    choose = policies_module.policies(0)
    assert choose["best F1"](rows) == 0.5  # ties go to the one nearest 0.5
    assert abs(choose["near-best middle (0.005)"](rows) - 0.45) <= 0.011  # the middle of 0.29–0.62
    # One stray negative at 0.55 makes 0.56–0.62 the single best stretch.
    stray = rows + [(0.55, False)]
    assert 0.56 <= choose["near-best middle (0.005)"](stray) <= 0.62


def test_the_interest_policy_training_ships_is_the_one_compared_here() -> None:
    from classifiers.train import Calibration, TextExample, choose_thresholds

    training = _rows(0.30, 20, 20) + [(0.41, False), (0.29, True)]
    dev = _rows(0.55, 6, 9)
    rows = training + dev
    examples = [TextExample("text", {"enquiry": 1.0, "personal_interest": float(g), "complaint": 0.0}) for _, g in rows]
    calibration = Calibration([{"enquiry": 0.9, "personal_interest": s, "complaint": 0.1} for s, _ in rows], examples, len(dev))
    shipped = choose_thresholds(calibration)["personal_interest"]
    assert shipped == policies_module.policies(len(dev))["dev weighted x8"](rows)
    assert shipped != policies_module.policies(len(dev))["best F1"](rows)  # the rows tell the two apart

"""``scripts/split_spread.py``: how far a label's F1 moves with the councils a small split holds."""

from __future__ import annotations

import pytest

from classifiers.metrics import BinaryCounts
from tests.conftest import load_script

spread = load_script("split_spread")

# Three councils: two the model reads well, one it does not.
EASY, ALSO_EASY, HARD = BinaryCounts(10, 0, 0), BinaryCounts(9, 1, 0), BinaryCounts(4, 3, 3)


def test_every_split_of_the_size_is_scored_once() -> None:
    f1s = spread.split_f1s([EASY, ALSO_EASY, HARD], 2)
    assert len(f1s) == 3
    assert min(f1s) == pytest.approx(spread.pooled([ALSO_EASY, HARD]).f1)  # the hard council with the weaker easy one
    assert max(f1s) == pytest.approx(spread.pooled([EASY, ALSO_EASY]).f1)


def test_pooled_counts_add_up_before_f1_is_taken() -> None:
    total = spread.pooled([EASY, HARD])
    assert (total.tp, total.fp, total.fn) == (14, 3, 3)
    assert total.f1 == pytest.approx(28 / 34)  # not the mean of the two councils' F1


def test_the_interval_over_councils_holds_the_pooled_figure_and_widens_with_a_hard_council() -> None:
    counts = [EASY, ALSO_EASY, HARD]
    low, high = spread.bootstrap_interval(counts, draws=2000)
    assert low <= spread.pooled(counts).f1 <= high
    assert spread.bootstrap_interval([EASY, ALSO_EASY], draws=2000)[0] > low

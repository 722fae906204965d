"""``scripts/leave_one_council_out.py``: what each fold trains on (the training itself is the slow suite's)."""

from __future__ import annotations

from classifiers.train import TextExample
from tests.conftest import load_script

loco = load_script("leave_one_council_out")


def _example(text: str) -> TextExample:
    return TextExample(text, {"enquiry": 1.0, "personal_interest": 0.0, "complaint": 0.0})


def test_a_fold_trains_on_every_other_council_and_the_candidates_never_on_the_held_one() -> None:
    per = {"alpha": [("0001.eml", _example("a1")), ("0002.eml", _example("a2"))], "beta": [("0001.eml", _example("b1"))], "gamma": [("0001.eml", _example("c1"))]}
    candidates = [_example("new1"), _example("new2")]
    assert [e.text for e in loco.fold_training(per, "beta", candidates)] == ["a1", "a2", "c1", "new1", "new2"]
    assert [e.text for e in loco.fold_training(per, "alpha", [])] == ["b1", "c1"]

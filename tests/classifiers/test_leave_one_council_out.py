"""``scripts/leave_one_council_out.py``: what each fold trains on (the training itself is the slow suite's)."""

from __future__ import annotations

import importlib.util
import sys

from classifiers.train import TextExample
from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("leave_one_council_out", ROOT / "scripts" / "leave_one_council_out.py")
assert _spec and _spec.loader
loco = importlib.util.module_from_spec(_spec)
sys.modules["leave_one_council_out"] = loco
_spec.loader.exec_module(loco)


def _example(text: str) -> TextExample:
    return TextExample(text, {"enquiry": 1.0, "personal_interest": 0.0, "complaint": 0.0})


def test_a_fold_trains_on_every_other_council_and_the_candidates_never_on_the_held_one() -> None:
    per = {"alpha": [("0001.eml", _example("a1")), ("0002.eml", _example("a2"))], "beta": [("0001.eml", _example("b1"))], "gamma": [("0001.eml", _example("c1"))]}
    candidates = [_example("new1"), _example("new2")]
    assert [e.text for e in loco.fold_training(per, "beta", candidates)] == ["a1", "a2", "c1", "new1", "new2"]
    assert [e.text for e in loco.fold_training(per, "alpha", [])] == ["b1", "c1"]

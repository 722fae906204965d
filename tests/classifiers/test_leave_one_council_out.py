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


def test_a_fold_record_is_written_as_the_comparison_scripts_read_it(tmp_path) -> None:
    from classifiers.train import Calibration

    policies = load_script("compare_threshold_policies")
    member, resident = _example("m"), TextExample("r", {"enquiry": 1.0, "personal_interest": 1.0, "complaint": 0.0}, member=False)
    scores = [{"enquiry": 0.9, "personal_interest": 0.7, "complaint": 0.1}, {"enquiry": 0.8, "personal_interest": 0.6, "complaint": 0.2}]
    calibration = Calibration(scores, [member, resident], 1)
    path = tmp_path / "scores.jsonl"
    loco.write_fold_scores(path, "alpha", {"enquiry": 0.5, "personal_interest": 0.4, "complaint": 0.3}, scores, [member, resident], calibration)
    loco.write_fold_scores(path, "beta", {"enquiry": 0.5, "personal_interest": 0.4, "complaint": 0.3}, scores[:1], [member], calibration)
    folds = policies.load_folds(path, "personal_interest")
    assert list(folds) == ["alpha", "beta"]
    # The resident's interest is not asked about, so only the member's score is kept.
    assert folds["alpha"] == {"threshold": 0.4, "held": [[0.7, False]], "calibration": [[0.7, False]]}
    assert policies.load_folds(path, "enquiry")["alpha"]["held"] == [[0.9, True], [0.8, True]]

"""``scripts/combiner_lab.py``: a refit on cached classifier scores decides as training does."""

from __future__ import annotations

import pytest

from classifiers.nlp import blank_pipeline
from classifiers.train import choose_thresholds, combined_scores, example_docs, fit
from tests.conftest import load_script

lab = load_script("combiner_lab")


@pytest.fixture(scope="module")
def small() -> "lab.Corpus":
    """Three small councils of the real corpus, a slice of dev and one holdout council."""
    full = lab.Corpus.load()
    names = sorted(full.per)[:3]
    holdout_council = full.holdout[0][0].split("/")[0]
    return lab.Corpus({n: full.per[n][:25] for n in names}, full.dev[:30],
                      [row for row in full.holdout if row[0].startswith(holdout_council + "/")][:25])


@pytest.mark.slow
def test_a_refit_on_the_cache_gives_the_fold_that_training_gives(small: "lab.Corpus") -> None:
    held_council = sorted(small.per)[1]
    record = lab.cache_fold(small, held_council)
    docs, dev_docs = lab.cue_docs(small)
    thresholds, held, _ = lab.refit_fold(small, record, docs, dev_docs)

    # What scripts/leave_one_council_out.py does for the same fold, training included.
    _, training, held_rows = small.fold(held_council)
    nlp, weights, calibration = fit(training, small.dev)
    assert thresholds == choose_thresholds(calibration)
    assert [s for _, _, s in held] == combined_scores(nlp, weights, [e for _, e in held_rows])
    assert [i for i, _, _ in held] == [f"{held_council}/{f}" for f, _ in small.per[held_council]]


def test_the_holdout_fold_trains_on_every_training_council(small: "lab.Corpus") -> None:
    ids, training, held = small.fold(lab.HOLDOUT)
    assert len(ids) == len(training) == sum(len(rows) for rows in small.per.values())
    assert held == small.holdout
    loco_ids, loco_training, _ = small.fold(sorted(small.per)[0])
    assert not any(i.startswith(sorted(small.per)[0] + "/") for i in loco_ids)
    assert len(loco_ids) == len(loco_training) == len(ids) - 25


def test_a_cache_from_another_corpus_is_refused(small: "lab.Corpus") -> None:
    held_council = sorted(small.per)[0]
    ids, _, _ = small.fold(held_council)
    stale = {"fold": held_council, "training": ids[1:], "oof": [], "held": {}, "dev": []}
    with pytest.raises(SystemExit, match="changed since it was cached"):
        lab.refit_fold(small, stale, {}, [])


def test_counts_skip_the_messages_a_label_does_not_ask_about() -> None:
    from classifiers.train import TextExample

    member = TextExample("a", {"enquiry": 1.0, "personal_interest": 1.0, "complaint": 0.0})
    resident = TextExample("b", {"enquiry": 1.0, "personal_interest": 1.0, "complaint": 0.0}, member=False)
    rows = [("x/1", member, {"personal_interest": 0.9}), ("x/2", resident, {"personal_interest": 0.1}),
            ("x/3", member, {"personal_interest": 0.2})]
    docs = {i: doc for i, doc in zip(("x/1", "x/2", "x/3"), example_docs(blank_pipeline(), [e for _, e, _ in rows]))}
    c = lab.counts(rows, "personal_interest", 0.5, docs)
    assert (c.tp, c.fp, c.fn, c.tn) == (1, 0, 1, 0)


def test_counts_decide_interests_as_the_detector_does() -> None:
    from classifiers.text import UNCUED_MARGIN
    from classifiers.train import TextExample

    cats = {"enquiry": 1.0, "personal_interest": 1.0, "complaint": 0.0}
    uncued, cued = TextExample("Where are we with the towpath?", cats), TextExample("My son moors his boat by the towpath.", cats)
    score = {"personal_interest": 0.5 + UNCUED_MARGIN / 2}  # over the threshold, under it plus the margin
    rows = [("x/1", uncued, score), ("x/2", cued, score)]
    docs = dict(zip(("x/1", "x/2"), example_docs(blank_pipeline(), [uncued, cued])))
    c = lab.counts(rows, "personal_interest", 0.5, docs)
    assert (c.tp, c.fn) == (1, 1)

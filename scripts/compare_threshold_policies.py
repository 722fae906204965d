"""Ways of choosing a label's threshold, judged on leave-one-council-out scores.

Run by hand, after ``scripts/leave_one_council_out.py --scores FILE.jsonl``:
    python scripts/compare_threshold_policies.py FILE.jsonl [LABEL]   (default personal_interest)

For each held-out council, each policy picks a threshold from the scores that council's
fold chose its threshold on (the out-of-fold training scores, then the dev split), and
is scored on the held-out council. Nothing is trained again. The policies:

- ``best F1`` (what ``mqtriage train`` does for complaints and enquiries): the best F1 over
  all calibration scores;
- ``dev only``: the best F1 over the dev split alone (unseen voices, but few of them);
- ``dev weighted xK``: the dev split counted K times (x8 is what ``mqtriage train`` does for
  personal interests, ``train.DEV_WEIGHTED``);
- ``prior shift`` (what it did for personal interests until ``DEV_WEIGHTED``): ``best
  F1``, moved for the dev split's share of positives rather than the calibration set's
  (the same posterior odds, re-weighted by the ratio of the priors);
- ``near-best middle (E)``: of the thresholds whose F1 is within E of the best, the
  middle one: where the F1 curve is flat, the single best point is chosen by a few
  messages, the middle of the plateau by all of them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.metrics import BinaryCounts  # noqa: E402
from classifiers import train  # noqa: E402
from classifiers.train import best_threshold, corpus_examples, f1_by_threshold  # noqa: E402

Scored = list[tuple[float, bool]]


def share(rows: Scored) -> float:
    return train.share([g for _, g in rows])


def policies(n_dev: int) -> dict[str, Callable[[Scored], float]]:
    """Each takes the calibration rows (out-of-fold training scores, then the last ``n_dev`` from dev)."""

    def best(rows: Scored) -> float:
        return best_threshold([s for s, _ in rows], [g for _, g in rows])

    def weighted(k: int) -> Callable[[Scored], float]:
        return lambda rows: best(rows + rows[-n_dev:] * (k - 1))

    def near_best_middle(margin: float) -> Callable[[Scored], float]:
        def choose(rows: Scored) -> float:
            curve = f1_by_threshold([s for s, _ in rows], [g for _, g in rows])
            top = max(f for _, f in curve)
            near = [t for t, f in curve if f >= top - margin]
            return near[len(near) // 2]

        return choose

    def prior_shift(rows: Scored) -> float:
        return train.prior_shift(best(rows), share(rows), share(rows[-n_dev:]))

    return {"best F1": best, "dev only": lambda rows: best(rows[-n_dev:]), "dev weighted x4": weighted(4), "dev weighted x8": weighted(8), "prior shift": prior_shift,
            "near-best middle (0.005)": near_best_middle(0.005), "near-best middle (0.01)": near_best_middle(0.01)}


def load_folds(path: Path, label: str) -> dict[str, dict]:
    """Council → that fold's ``{"threshold", "held", "calibration"}`` for one label."""
    records = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return {r["council"]: r["labels"][label] for r in records}


def dev_count(label: str) -> int:
    """How many dev messages the label asks about: the dev split's part of each calibration set."""
    return sum(1 for e in corpus_examples(ROOT / "corpus" / "dev") if label in e.training_cats())


def held_counts(fold: dict, choose: Callable[[Scored], float]) -> tuple[BinaryCounts, float]:
    """The held-out council's counts (as ``mqtriage evaluate`` counts) at the threshold the policy picks."""
    t = choose([(s, bool(g)) for s, g in fold["calibration"]])
    c = BinaryCounts()
    for s, g in fold["held"]:
        c.add(s >= t, bool(g))
    return c, t


def main(path: Path, label: str) -> None:
    folds = list(load_folds(path, label).values())
    n_dev = dev_count(label)
    print(f"{label}: {len(folds)} held-out councils; the dev split's part of each calibration set: {n_dev} messages")
    for name, choose in policies(n_dev).items():
        c = BinaryCounts()  # pooled over the councils
        chosen = []
        for fold in folds:
            counts, t = held_counts(fold, choose)
            chosen.append(t)
            c += counts
        print(f"{name:18s} F1 {c.f1:.3f}  P {c.precision:.3f}  R {c.recall:.3f}  (tp {c.tp}, fp {c.fp}, fn {c.fn}; thresholds {min(chosen):.2f}–{max(chosen):.2f})")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "personal_interest")

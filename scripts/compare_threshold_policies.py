"""Ways of choosing the ``personal_interest`` threshold, judged on leave-one-council-out scores.

Run by hand, after ``scripts/leave_one_council_out.py --scores FILE.jsonl``:
    python scripts/compare_threshold_policies.py FILE.jsonl

For each held-out council, each policy picks a threshold from the scores that council's
fold chose its threshold on (the out-of-fold training scores, then the dev split), and
is scored on the held-out council. Nothing is trained again. The policies:

- ``best F1`` (what ``mqtriage train`` does): the best F1 over all calibration scores;
- ``dev only``: the best F1 over the dev split alone (unseen voices, but few of them);
- ``dev weighted xK``: the dev split counted K times;
- ``prior shift``: ``best F1``, moved for the dev split's share of interests rather than
  the calibration set's (the same posterior odds, re-weighted by the ratio of the priors).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.train import best_threshold, corpus_examples  # noqa: E402

LABEL = "personal_interest"
Scored = list[tuple[float, bool]]


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def share(rows: Scored) -> float:
    return sum(g for _, g in rows) / len(rows)


def policies(n_dev: int) -> dict[str, Callable[[Scored], float]]:
    """Each takes the calibration rows (out-of-fold training scores, then the last ``n_dev`` from dev)."""

    def best(rows: Scored) -> float:
        return best_threshold([s for s, _ in rows], [g for _, g in rows])

    def weighted(k: int) -> Callable[[Scored], float]:
        return lambda rows: best(rows + rows[-n_dev:] * (k - 1))

    def prior_shift(rows: Scored) -> float:
        shift = logit(share(rows[-n_dev:])) - logit(share(rows))
        return 1 / (1 + math.exp(-(logit(best(rows)) - shift)))

    return {"best F1": best, "dev only": lambda rows: best(rows[-n_dev:]), "dev weighted x4": weighted(4), "dev weighted x8": weighted(8), "prior shift": prior_shift}


def main(path: Path) -> None:
    folds = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    n_dev = sum(1 for e in corpus_examples(ROOT / "corpus" / "dev") if e.member)
    print(f"{len(folds)} held-out councils; dev split: {n_dev} members' messages")
    for name, choose in policies(n_dev).items():
        tp = fp = fn = 0
        chosen = []
        for fold in folds:
            t = choose([(s, bool(g)) for s, g in fold["calibration"]])
            chosen.append(t)
            for s, g in fold["held"]:
                tp, fp, fn = tp + (s >= t and g), fp + (s >= t and not g), fn + (s < t and g)
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        print(f"{name:18s} F1 {f1:.3f}  P {tp / max(1, tp + fp):.3f}  R {tp / max(1, tp + fn):.3f}  (tp {tp}, fp {fp}, fn {fn}; thresholds {min(chosen):.2f}–{max(chosen):.2f})")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""Two leave-one-council-out runs compared council by council, under one threshold policy.

Run by hand, after two ``scripts/leave_one_council_out.py --scores FILE`` runs (before and
after a change to the cues, the corpus or the training):
    python scripts/compare_loco_runs.py BEFORE.jsonl AFTER.jsonl [--label L] [--policy P]

Each run's threshold for each held-out council is chosen again from that run's own
calibration scores by the policy (default: the one ``mqtriage train`` uses for the
label), so a change is judged as it would ship, not by the thresholds written at the
time. Prints each council's F1 and counts in both runs, the pooled totals, and how many
councils got better or worse. Only councils present in both files are compared.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from classifiers import train  # noqa: E402
from classifiers.metrics import BinaryCounts  # noqa: E402
from compare_threshold_policies import Scored, dev_count, held_counts, load_folds, policies  # noqa: E402


@dataclass(frozen=True)
class CouncilResult:
    council: str
    before: BinaryCounts
    after: BinaryCounts

    @property
    def change(self) -> int:
        """+1 better, -1 worse, 0 the same F1."""
        delta = self.after.f1 - self.before.f1
        return 0 if abs(delta) < 1e-9 else (1 if delta > 0 else -1)


def compare(before: dict[str, dict], after: dict[str, dict], choose: Callable[[Scored], float]) -> list[CouncilResult]:
    return [CouncilResult(c, held_counts(before[c], choose)[0], held_counts(after[c], choose)[0]) for c in sorted(before.keys() & after.keys())]


def default_policy(label: str) -> str:
    return f"dev weighted x{train.DEV_WEIGHTED[label]}" if label in train.DEV_WEIGHTED else "best F1"


def _line(c: BinaryCounts) -> str:
    return f"F1 {c.f1:.3f} (tp {c.tp}, fp {c.fp}, fn {c.fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--label", default="personal_interest")
    parser.add_argument("--policy", help="a policy from compare_threshold_policies.py (default: what mqtriage train uses for the label)")
    args = parser.parse_args()
    name = args.policy or default_policy(args.label)
    choices = policies(dev_count(args.label))
    if name not in choices:
        parser.error(f"unknown policy {name!r}; one of: {', '.join(choices)}")
    results = compare(load_folds(args.before, args.label), load_folds(args.after, args.label), choices[name])
    if not results:
        parser.error("no council is in both files")
    print(f"{args.label}, thresholds by {name!r}, {len(results)} councils")
    for r in results:
        print(f"{r.council:16s} before {_line(r.before):32s} after {_line(r.after)}")
    total_before = sum((r.before for r in results), BinaryCounts())
    total_after = sum((r.after for r in results), BinaryCounts())
    print(f"{'pooled':16s} before {_line(total_before):32s} after {_line(total_after)}")
    print(f"better in {sum(r.change > 0 for r in results)} councils, worse in {sum(r.change < 0 for r in results)}")


if __name__ == "__main__":
    main()

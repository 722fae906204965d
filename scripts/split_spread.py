"""How much a label's F1 moves with which councils a small test split happens to hold.

Run by hand, on councils no model decision was fitted to (the clean holdout councils):
    python scripts/split_spread.py corpus/holdout/wealdon corpus/holdout/brenthill ... [--label L] [--size 2]

Each folder is evaluated as ``mqtriage evaluate`` does, with the shipped model, and only
its counts are kept (no error is printed, so clean councils stay clean). Prints the
pooled F1, a 95 % interval from resampling the councils, and, over every split of
``--size`` councils (the test split has two), the lowest F1 and the share under each of
``--floor`` (0.88, the issue's floor for a label) and ``--mark`` (a figure seen, say a
test look). A test split that scores far under the pooled figure may be a hard draw of
councils rather than a worse model, and this says how often such a draw happens.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.metrics import BinaryCounts  # noqa: E402


def pooled(counts: Sequence[BinaryCounts]) -> BinaryCounts:
    return sum(counts, BinaryCounts())  # as scripts/compare_loco_runs.py pools its councils


def bootstrap_interval(counts: Sequence[BinaryCounts], draws: int = 20000, seed: int = 1) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of pooled F1 over councils drawn with replacement."""
    rng = random.Random(seed)
    f1s = sorted(pooled([rng.choice(counts) for _ in counts]).f1 for _ in range(draws))
    return f1s[int(0.025 * draws)], f1s[int(0.975 * draws) - 1]


def split_f1s(counts: Sequence[BinaryCounts], size: int) -> list[float]:
    """Pooled F1 of every split of ``size`` different councils."""
    return [pooled(split).f1 for split in itertools.combinations(counts, size)]


def council_counts(folders: Sequence[Path], label: str) -> list[BinaryCounts]:
    """Each folder's counts for ``label``, as ``mqtriage evaluate`` makes them (the shipped
    model, loaded once, with each council's own rosters and thresholds)."""
    from bot.directory import load_directory
    from classifiers.corpus import load_corpus
    from classifiers.evaluate import evaluate
    from classifiers.pipeline import Detectors

    shared = Detectors.load(load_directory(load_corpus(folders[0]).config))
    return [evaluate(folder, shared).labels[label] for folder in folders]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--label", default="personal_interest")
    parser.add_argument("--size", type=int, default=2, help="councils in a split (the test split has 2)")
    parser.add_argument("--floor", type=float, default=0.88)
    parser.add_argument("--mark", type=float, help="also: the share of splits at or under this F1")
    args = parser.parse_args()
    counts = council_counts(args.folders, args.label)
    for folder, c in zip(args.folders, counts):
        print(f"{folder.name:24s} tp {c.tp:3d} fp {c.fp:3d} fn {c.fn:3d}")
    total = pooled(counts)
    low, high = bootstrap_interval(counts)
    print(f"pooled {args.label}: F1 {total.f1:.3f} ({total.tp} / {total.fp} / {total.fn}); 95 % interval over councils {low:.3f}-{high:.3f}")
    splits = split_f1s(counts, args.size)
    print(f"{len(splits)} splits of {args.size} councils: lowest F1 {min(splits):.3f}; under {args.floor}: {sum(f < args.floor for f in splits) / len(splits):.1%}")
    if args.mark is not None:
        print(f"at or under {args.mark}: {sum(f <= args.mark for f in splits) / len(splits):.1%}")


if __name__ == "__main__":
    main()

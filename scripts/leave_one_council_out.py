"""Leave-one-council-out estimate of ``personal_interest`` on voices the model never saw.

Run by hand (about a minute per training council):  python scripts/leave_one_council_out.py [COUNCIL ...]

For each training council in turn: train on the others (same seed, thresholds from the
dev split and the out-of-fold scores, exactly as ``mqtriage train``), then score that
council. Unlike the test split, its errors may be read and used to improve the cues:
they are training data. Prints each wrong file with its score, then per-council and
total precision/recall counts and F1.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.corpus import find_corpora, load_corpus  # noqa: E402
from classifiers.train import TextExample, combined_scores, corpus_examples, text_example, train  # noqa: E402

LABEL = "personal_interest"


def council_examples(folder: Path) -> list[tuple[str, TextExample]]:
    return [(ex.path.name, text_example(ex)) for ex in load_corpus(folder).examples]


def main(names: list[str]) -> None:
    folders = {f.name: f for f in find_corpora(ROOT / "corpus" / "train")}
    dev = corpus_examples(ROOT / "corpus" / "dev")
    per = {name: council_examples(folder) for name, folder in folders.items()}
    total = [0, 0, 0]
    for held in names or sorted(per):
        nlp, thresholds, weights = train([e for n, rows in per.items() if n != held for _, e in rows], dev)
        rows = per[held]
        scores = combined_scores(nlp, weights, [e for _, e in rows])
        tp = fp = fn = 0
        for (name, e), s in zip(rows, scores):
            predicted = e.member and s[LABEL] >= thresholds[LABEL]
            gold = bool(e.cats[LABEL])
            tp, fp, fn = tp + (predicted and gold), fp + (predicted and not gold), fn + (gold and not predicted)
            if predicted != gold:
                print(f"{held} {name} gold={gold} score={s[LABEL]:.3f}", flush=True)
        print(f"## {held}: tp {tp} fp {fp} fn {fn} F1 {2 * tp / max(1, 2 * tp + fp + fn):.3f}", flush=True)
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
    tp, fp, fn = total
    print(f"TOTAL tp {tp} fp {fp} fn {fn}  precision {tp / max(1, tp + fp):.3f} recall {tp / max(1, tp + fn):.3f} F1 {2 * tp / max(1, 2 * tp + fp + fn):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])

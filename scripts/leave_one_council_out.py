"""Leave-one-council-out estimate of ``personal_interest`` on voices the model never saw.

Run by hand (one to three minutes per training council on one core):
    python scripts/leave_one_council_out.py [--scores FILE.jsonl] [--also-train FOLDER]... [COUNCIL ...]

For each training council in turn: train on the others (same seed, thresholds from the
dev split and the out-of-fold scores, exactly as ``mqtriage train``), then score that
council. Unlike the test split, its errors may be read and used to improve the cues:
they are training data. Prints each wrong file with its score, then per-council and
total precision/recall counts and F1. ``--scores`` also writes, per council and per
label, every score with its gold label: of the held-out council and of the examples its
threshold was chosen on, so another way of choosing thresholds can be judged without
training again (``scripts/compare_threshold_policies.py``), and two runs compared council
by council (``scripts/compare_loco_runs.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifiers.corpus import find_corpora, load_corpus  # noqa: E402
from classifiers.metrics import BinaryCounts  # noqa: E402
from classifiers.nlp import TEXT_LABELS  # noqa: E402
from classifiers.text import clears_interest_bar, quotes_a_stake  # noqa: E402
from classifiers.train import Calibration, TextExample, choose_thresholds, combined, corpus_examples, example_docs, fit, text_example  # noqa: E402

LABEL = "personal_interest"


def council_examples(folder: Path) -> list[tuple[str, TextExample]]:
    return [(ex.path.name, text_example(ex)) for ex in load_corpus(folder).examples]


def scored(label: str, scores: list[dict[str, float]], examples: list[TextExample]) -> list[list]:
    """[score, gold] for each message the label asks about (for an interest, members' only: ``training_cats``)."""
    return [[round(s[label], 5), bool(e.cats[label])] for s, e in zip(scores, examples) if label in e.training_cats()]


def write_fold_scores(path: Path, council: str, thresholds: dict[str, float], held_scores: list[dict[str, float]],
                      held_examples: list[TextExample], calibration: Calibration) -> None:
    """Append one fold's record to a ``--scores`` file: per label, the threshold, the held
    council's scores and the calibration scores, each with its gold label."""
    labels = {label: {"threshold": thresholds[label], "held": scored(label, held_scores, held_examples),
                      "calibration": scored(label, calibration.scores, calibration.examples)} for label in TEXT_LABELS}
    with path.open("a") as out:
        out.write(json.dumps({"council": council, "labels": labels}) + "\n")


def fold_training(per: dict[str, list[tuple[str, TextExample]]], held: str, also: list[TextExample]) -> list[TextExample]:
    """What the fold that leaves ``held`` out trains on: every other training council, then
    the candidate folders (never held out themselves, so the councils compare with a run
    without them)."""
    return [e for n, rows in per.items() if n != held for _, e in rows] + also


def training_councils() -> dict[str, Path]:
    """The training councils' corpus folders, by name."""
    return {f.name: f for f in find_corpora(ROOT / "corpus" / "train")}


def main(names: list[str], scores_out: Path | None = None, also_train: list[Path] | None = None, folders: dict[str, Path] | None = None) -> None:
    folders = folders or training_councils()
    dev = corpus_examples(ROOT / "corpus" / "dev")
    per = {name: council_examples(folder) for name, folder in folders.items()}
    also = [e for folder in also_train or [] for _, e in council_examples(folder)]
    total = BinaryCounts()
    for held in names or sorted(per):
        nlp, weights, calibration = fit(fold_training(per, held, also), dev)
        thresholds = choose_thresholds(calibration)
        rows = per[held]
        docs = list(example_docs(nlp, [e for _, e in rows]))
        scores = combined(weights, docs, [doc.cats for doc in docs])
        if scores_out:
            write_fold_scores(scores_out, held, thresholds, scores, [e for _, e in rows], calibration)
        c = BinaryCounts()
        for (name, e), s, doc in zip(rows, scores, docs):
            predicted = e.member and clears_interest_bar(s[LABEL], thresholds[LABEL], quotes_a_stake(doc))
            gold = bool(e.cats[LABEL])
            c.add(predicted, gold)
            if predicted != gold:
                print(f"{held} {name} gold={gold} score={s[LABEL]:.3f}", flush=True)
        print(f"## {held}: tp {c.tp} fp {c.fp} fn {c.fn} F1 {c.f1:.3f}", flush=True)
        total += c
    print(f"TOTAL tp {total.tp} fp {total.fp} fn {total.fn}  precision {total.precision:.3f} recall {total.recall:.3f} F1 {total.f1:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scores", type=Path, help="also write every fold's scores here (JSON lines, appended)")
    parser.add_argument("councils", nargs="*", help="training councils to leave out in turn (default: all)")
    parser.add_argument("--also-train", type=Path, action="append", default=[], metavar="FOLDER",
                        help="a corpus folder added to every fold's training, never held out: a candidate council, judged "
                             "against a run without it (scripts/compare_loco_runs.py); repeatable")
    args = parser.parse_args()
    for folder in args.also_train:
        if not (folder / "labels.jsonl").is_file():
            parser.error(f"--also-train {folder}: no labels.jsonl there (not a corpus folder)")
    councils = training_councils()
    unknown = sorted(set(args.councils) - set(councils))
    if unknown:
        parser.error(f"not training councils under corpus/train: {', '.join(unknown)}")
    main(args.councils, args.scores, args.also_train, councils)

"""Try a change to the cues or the combiner's features on leave-one-council-out in seconds.

Run by hand, in two steps:
    python scripts/combiner_lab.py cache DIR [COUNCIL ...]   # the slow part, once (as long as a LOCO run)
    python scripts/combiner_lab.py refit DIR [--scores FILE.jsonl]   # after each change: seconds

A LOCO run (``scripts/leave_one_council_out.py``) spends nearly all its time training the
bag-of-words classifier, five times per fold. The cue patterns (``classifiers/cues.py``)
and the combiner's features (``classifiers/combine.py``) do not change what it learns: it
reads lemmas, not cues. So ``cache`` saves, per fold, the classifier's scores (out-of-fold
for the fold's training messages, and for the held council and the dev split), plus a
``holdout`` fold trained on every training council (the shipped classifier) that scores
``corpus/holdout``. ``refit`` then runs the cue component as the code now stands over the
messages, refits the combiner and chooses the thresholds exactly as ``mqtriage train``
does (``train.fit_combiner``, ``train.choose_thresholds``), and prints per council and in
total the LOCO and holdout counts of a label. Its ``--scores`` file has the format of the
LOCO script's, so two refits, or a refit and a LOCO run, are compared council by council
with ``scripts/compare_loco_runs.py``.

Unchanged code gives the LOCO script's counts exactly. A change to the lemmatizer, the
classifier or its training makes the cache stale: run ``cache`` again.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from leave_one_council_out import council_examples, fold_training, training_councils, write_fold_scores  # noqa: E402

from spacy.tokens import Doc  # noqa: E402

from classifiers.corpus import find_corpora  # noqa: E402
from classifiers.metrics import BinaryCounts  # noqa: E402
from classifiers.text import clears_interest_bar, quotes_a_stake  # noqa: E402
from classifiers.nlp import TEXT_LABELS, blank_pipeline  # noqa: E402
from classifiers.train import Calibration, TextExample, choose_thresholds, combined, corpus_examples, example_docs, fit_combiner, fit_textcat, out_of_fold_scores, scores  # noqa: E402

HOLDOUT = "holdout"  # the fold that trains on every training council and scores corpus/holdout


@dataclass(frozen=True)
class Corpus:
    """Named messages: training councils (``per``), the dev split and the holdout councils."""

    per: dict[str, list[tuple[str, TextExample]]]
    dev: list[TextExample]
    holdout: list[tuple[str, TextExample]]  # (council/file, message)

    @classmethod
    def load(cls, councils: dict[str, Path] | None = None) -> "Corpus":
        """The training councils (``training_councils()`` unless given), dev and holdout."""
        per = {name: council_examples(folder) for name, folder in (councils or training_councils()).items()}
        holdout = [(f"{f.name}/{name}", e) for f in find_corpora(ROOT / "corpus" / "holdout") for name, e in council_examples(f)]
        return cls(per, corpus_examples(ROOT / "corpus" / "dev"), holdout)

    def fold(self, held: str) -> tuple[list[str], list[TextExample], list[tuple[str, TextExample]]]:
        """(training ids, training messages, held messages) of a fold, in the LOCO script's order.
        The holdout fold leaves no training council out, so it trains on all of them."""
        ids = [f"{n}/{f}" for n, rows in self.per.items() if n != held for f, _ in rows]
        held_rows = self.holdout if held == HOLDOUT else [(f"{held}/{f}", e) for f, e in self.per[held]]
        return ids, fold_training(self.per, held, []), held_rows


def cache_fold(corpus: Corpus, held: str) -> dict:
    """The classifier's scores for one fold: what ``train.fit`` computes before the combiner."""
    ids, training, held_rows = corpus.fold(held)
    nlp = fit_textcat(training)
    return {"fold": held, "training": ids, "oof": out_of_fold_scores(training),
            "held": dict(zip([i for i, _ in held_rows], scores(nlp, [e.text for _, e in held_rows]))),
            "dev": scores(nlp, [e.text for e in corpus.dev])}


def refit_fold(corpus: Corpus, record: dict, docs: dict[str, Doc], dev_docs: list[Doc]) -> tuple[dict[str, float], list[tuple[str, TextExample, dict[str, float]]], Calibration]:
    """Thresholds and combined held scores of a cached fold, with the cues and features as they now are."""
    ids, training, held_rows = corpus.fold(record["fold"])
    if ids != record["training"] or any(i not in record["held"] for i, _ in held_rows):
        raise SystemExit(f"fold {record['fold']}: the corpus has changed since it was cached; run cache again")
    weights, calibration = fit_combiner(training, [docs[i] for i in ids], record["oof"], corpus.dev, dev_docs, record["dev"])
    held = combined(weights, [docs[i] for i, _ in held_rows], [record["held"][i] for i, _ in held_rows])
    return choose_thresholds(calibration), [(i, e, s) for (i, e), s in zip(held_rows, held)], calibration


def cue_docs(corpus: Corpus) -> tuple[dict[str, Doc], list[Doc]]:
    """Docs with today's cue spans (no classifier), by id, and for the dev split."""
    nlp = blank_pipeline()
    named = [(f"{n}/{f}", e) for n, rows in corpus.per.items() for f, e in rows] + corpus.holdout
    docs = dict(zip([i for i, _ in named], example_docs(nlp, [e for _, e in named])))
    return docs, list(example_docs(nlp, corpus.dev))


def counts(rows: list[tuple[str, TextExample, dict[str, float]]], label: str, threshold: float, docs: dict[str, Doc]) -> BinaryCounts:
    """The detector's decisions: for an interest, a message with no stake to quote must clear ``UNCUED_MARGIN`` more."""
    c = BinaryCounts()
    for i, e, s in rows:
        if label not in e.training_cats():  # as the detector: a resident's interest is never asked about
            continue
        if label == "personal_interest":
            predicted = clears_interest_bar(s[label], threshold, quotes_a_stake(docs[i]))
        else:
            predicted = s[label] >= threshold
        c.add(predicted, bool(e.cats[label]))
    return c


def _line(c: BinaryCounts) -> str:
    return f"tp {c.tp:3d} fp {c.fp:3d} fn {c.fn:3d} F1 {c.f1:.3f}"


def cache(out: Path, names: list[str], councils: dict[str, Path]) -> None:
    corpus = Corpus.load(councils)
    out.mkdir(parents=True, exist_ok=True)
    for held in names or [*sorted(corpus.per), HOLDOUT]:
        (out / f"{held}.json").write_text(json.dumps(cache_fold(corpus, held)))
        print(f"cached {held}", flush=True)


def refit(folder: Path, label: str, scores_out: Path | None) -> None:
    corpus = Corpus.load()
    docs, dev_docs = cue_docs(corpus)
    totals = {"loco": BinaryCounts(), HOLDOUT: BinaryCounts()}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text())
        thresholds, held, calibration = refit_fold(corpus, record, docs, dev_docs)
        if record["fold"] == HOLDOUT:
            by_council: dict[str, list] = {}
            for row in held:
                by_council.setdefault(row[0].split("/")[0], []).append(row)
        else:
            by_council = {record["fold"]: held}
        kind = HOLDOUT if record["fold"] == HOLDOUT else "loco"
        for council, rows in sorted(by_council.items()):
            c = counts(rows, label, thresholds[label], docs)
            totals[kind] += c
            print(f"{kind:8s} {council:14s} {_line(c)}  (threshold {thresholds[label]:.4f})")
        if scores_out and record["fold"] != HOLDOUT:
            write_fold_scores(scores_out, record["fold"], thresholds, [s for _, _, s in held], [e for _, e, _ in held], calibration)
    for kind, c in totals.items():
        if c.tp + c.fp + c.fn + c.tn:
            print(f"TOTAL {kind:8s} {label}: {_line(c)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_cache = sub.add_parser("cache", help="train each fold's classifier and save its scores (slow)")
    p_cache.add_argument("folder", type=Path)
    p_cache.add_argument("folds", nargs="*", help=f"training councils, or '{HOLDOUT}' (default: all of them and {HOLDOUT})")
    p_refit = sub.add_parser("refit", help="refit the combiner on the saved scores with the code as it now stands (seconds)")
    p_refit.add_argument("folder", type=Path)
    p_refit.add_argument("--label", default="personal_interest", choices=TEXT_LABELS)
    p_refit.add_argument("--scores", type=Path, help="also write every LOCO fold's scores here (the LOCO script's format, appended)")
    args = parser.parse_args()
    if args.command == "cache":
        councils = training_councils()
        unknown = sorted(set(args.folds) - set(councils) - {HOLDOUT})
        if unknown:
            parser.error(f"not training councils under corpus/train (or '{HOLDOUT}'): {', '.join(unknown)}")
        cache(args.folder, args.folds, councils)
    else:
        if not any(args.folder.glob("*.json")):
            parser.error(f"{args.folder}: no cached folds there (run cache first)")
        refit(args.folder, args.label, args.scores)

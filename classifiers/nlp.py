"""Build or load the spaCy pipeline.

The default starts from ``spacy.blank("en")`` (no pretrained English pipeline can be
downloaded here) with a sentencizer, the lookup lemmatizer from spacy-lookups-data,
the ``mq_cues_v1`` rule component and a ``textcat_multilabel`` trained on our corpus,
saved in ``classifiers/model``. A council that has installed an official pretrained
pipeline names it in ``[classifiers] base_pipeline`` and we build on top of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import spacy
from spacy.language import Language

import classifiers.bow  # noqa: F401  registers mq.TextCatBOW.v1 and v2
import classifiers.cues  # noqa: F401  registers mq_cues_v1
import classifiers.lemmas  # noqa: F401  registers mq_lookup_lemmatizer_v1
from classifiers.combine import load_weights

MODEL_DIR = Path(__file__).with_name("model")
TEXT_LABELS = ("enquiry", "personal_interest", "complaint")


# A line drawn with one character ("*****", "=====", "_____"): spaCy splits each of these
# characters into a token of its own, and the bag of words counts every one, so a
# council's disclaimer rule of seventy asterisks weighed seventy times whatever one
# asterisk had learnt. In leave-one-council-out, four of Haverleigh's false interests
# (scores 0.84-0.87, against 0.07 once the line was blanked) came from that line alone.
# Dashes are one token however many there are, and "-----Original Message-----" is read
# as it stands.
_DRAWN_LINE = re.compile(r"([*=_#~+])\1{3,}")


def model_text(text: str) -> str:
    """What the pipeline reads: the text lower-cased, lines drawn with a character cut to
    that character once, offsets unchanged.

    The bag-of-words classifier keys its features on the exact word form, so "MY OWN
    GARDEN" typed in capitals would share nothing with "my own garden". Lower-casing
    first lets every voice count. The rare character whose lower case is longer
    (Turkish dotted İ) would shift offsets, so such a text is left as it is.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        return text
    if _DRAWN_LINE.search(lowered) is None:
        return lowered
    return _DRAWN_LINE.sub(_one_of, lowered)


def _one_of(run: re.Match[str]) -> str:
    return run.group(1) + " " * (len(run.group(0)) - 1)


def blank_pipeline() -> Language:
    """Tokenizer, sentences, lemmas and cue spans; no trained weights."""
    nlp = spacy.blank("en")
    # No sentencizer: sentences are only needed around evidence spans, which
    # classifiers/text.py finds in the text itself (cheaper than splitting every doc).
    nlp.add_pipe("mq_lookup_lemmatizer_v1", name="lemmatizer")
    nlp.add_pipe("mq_cues_v1")
    nlp.initialize()
    return nlp


def base_pipeline(name: str) -> Language:
    """An installed pretrained pipeline (e.g. ``en_core_web_sm``) plus our cue component."""
    nlp = spacy.load(name, exclude=["ner"])
    nlp.add_pipe("mq_cues_v1")
    return nlp


def textcat_architecture(model_dir: Path) -> str:
    """The classifier's registered architecture in a saved model (``mq.TextCatBOW.v2``), or "no model"."""
    config_path = model_dir / "config.cfg"
    if not config_path.exists():
        return "no model"
    config = spacy.util.load_config(config_path, interpolate=False)
    return str(config["components"]["textcat_multilabel"]["model"]["@architectures"])


def load_pipeline(model_dir: Path | None = None, base: str = "") -> tuple[Language, dict[str, float], dict[str, list[float]]]:
    """The shipped (or configured) model and its per-label thresholds.

    Without a trained model the pipeline still runs and the detectors fall back to
    their rule scores; ``mqtriage train`` builds the model.
    """
    model_dir = model_dir or MODEL_DIR
    if (model_dir / "config.cfg").exists():
        nlp = spacy.load(model_dir)
        thresholds = json.loads((model_dir / "thresholds.json").read_text()) if (model_dir / "thresholds.json").exists() else {}
        weights = load_weights(model_dir)
        if base:
            # Keep our trained textcat, but take tagging/parsing from the council's pipeline.
            pretrained = base_pipeline(base)
            # The classifier reads the lookup lemmas it was trained on, not the ones the
            # council's pipeline makes (a rule lemmatizer's differ): ours run just before it.
            pretrained.add_pipe("lemmatizer", name="mq_lemmatizer", source=nlp)
            pretrained.add_pipe("textcat_multilabel", source=nlp)
            return pretrained, thresholds, weights
        return nlp, thresholds, weights
    return (base_pipeline(base) if base else blank_pipeline()), {}, {}

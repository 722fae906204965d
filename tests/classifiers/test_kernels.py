"""The compiled kernels give exactly what their numpy twins give, and are really built."""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import spacy
from spacy.attrs import IDX, LENGTH

from bot.parse import parse_message
from classifiers.cues import PATTERNS
from classifiers.fastmatch import TokenEncoder, candidate_finder, compile_cues, hit_finder, match_hits, prefilter, word_code
from classifiers.combine import BUSINESS_KEY, SIGNED_KEY
from classifiers.kernels import KERNELS, built_from_other_source
from classifiers.nlp import blank_pipeline, model_text
from classifiers.pipeline import text_for
from tests.conftest import ROOT

needs_kernels = pytest.mark.skipif(bool(os.environ.get("MQ_NO_KERNELS")), reason="MQ_NO_KERNELS set: numpy paths only")


def _texts() -> list[str]:
    files = sorted((ROOT / "corpus" / "dev").rglob("*.eml"))[::2] + sorted((ROOT / "corpus" / "train").rglob("*.eml"))[::9]
    texts = [text_for(parse_message(p.read_bytes(), p.name)) for p in files]
    # Edge cases: empty, one token, line breaks only, a word the table lacks, capitals.
    return texts + ["", "my", "\n\n", "Zyxwvut plannings WERE", "I must declare.\nMy son"]


@needs_kernels
def test_kernels_are_built_for_the_installed_spacy() -> None:
    # The package's build always compiles them (pyproject's build requirements); a
    # missing kernel means a broken install, not an option.
    assert KERNELS is not None
    assert KERNELS.BUILT_FOR_SPACY == spacy.about.__version__


@needs_kernels
def test_kernels_are_built_from_the_source_beside_them() -> None:
    source = ROOT / "classifiers" / "_kernels.pyx"
    assert KERNELS is not None
    assert KERNELS.BUILT_FROM_SOURCE == hashlib.sha256(source.read_bytes()).hexdigest()


def test_a_build_from_other_source_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "_kernels.pyx"
    source.write_text("def f(): return 1\n")
    built = SimpleNamespace(BUILT_FROM_SOURCE=hashlib.sha256(source.read_bytes()).hexdigest())
    assert not built_from_other_source(built, source)  # type: ignore[arg-type]
    source.write_text("def f(): return 2\n")  # edited, and the rebuild failed
    assert built_from_other_source(built, source)  # type: ignore[arg-type]
    # An installed package has no .pyx beside the module: nothing to compare.
    assert not built_from_other_source(built, tmp_path / "absent.pyx")  # type: ignore[arg-type]


@needs_kernels
def test_lemma_kernel_sets_the_lemmas_of_the_numpy_path() -> None:
    nlp = blank_pipeline()
    lemmatizer = nlp.get_pipe("lemmatizer")
    checked = 0
    for text in _texts():
        for t in (text, model_text(text)):
            by_kernel = lemmatizer(nlp.make_doc(t))
            by_arrays = lemmatizer.lemmatize_arrays(nlp.make_doc(t))
            assert [x.lemma_ for x in by_kernel] == [x.lemma_ for x in by_arrays], t[:60]
            checked += sum(1 for x in by_kernel if x.lemma_ != x.text)
    assert checked > 500


@needs_kernels
def test_cue_kernel_finds_the_candidates_of_the_numpy_path() -> None:
    nlp = blank_pipeline()
    cues = compile_cues(PATTERNS)
    kernel = candidate_finder(cues, nlp.vocab.strings, KERNELS)
    encoder = TokenEncoder(cues, nlp.vocab.strings)
    candidates = 0
    for text in _texts():
        doc = nlp.make_doc(model_text(text))
        expected = prefilter(encoder(doc), cues)
        assert kernel(doc) == expected, text[:60]
        candidates += len(expected[1])
    assert candidates > 1000


@needs_kernels
def test_cue_kernel_restarts_its_cache_past_the_limit() -> None:
    nlp = blank_pipeline()
    cues = compile_cues(PATTERNS)
    strings = nlp.vocab.strings
    small = KERNELS.CueKernel(  # type: ignore[union-attr]
        lambda orth: word_code(cues, strings[orth]), 0xE000, cues.can_start.tolist(), cues.starts_anywhere.tolist(),
        cues.after_end.tolist(), cues.can_follow.tolist(), bool(cues.anywhere), 3,
    )
    encoder = TokenEncoder(cues, strings)
    for text in ("My son plays for the club I chair", "could you please look at my house", "my son"):
        doc = nlp.make_doc(text)
        assert small(doc) == prefilter(encoder(doc), cues)


@needs_kernels
def test_token_offsets_match_the_token_arrays() -> None:
    nlp = blank_pipeline()
    for text in _texts()[:40]:
        doc = nlp.make_doc(text)
        if not len(doc):
            continue
        bounds = doc.to_array([IDX, LENGTH]).astype(np.int64)
        for start, end in ((0, 1), (0, len(doc)), (len(doc) // 2, len(doc))):
            if start < end:
                assert KERNELS.token_offsets(doc, start, end) == (bounds[start, 0], bounds[end - 1].sum())  # type: ignore[union-attr]
        for char in (0, 1, len(text) // 3, len(text), len(text) + 5):
            assert KERNELS.token_at_char(doc, char) == int(np.searchsorted(bounds[:, 0], char))  # type: ignore[union-attr]


@needs_kernels
def test_sentence_annotation_check_is_spacys() -> None:
    blank = spacy.blank("en")
    with_sentences = spacy.blank("en")
    with_sentences.add_pipe("sentencizer")
    for text in _texts()[:30] + ["one", "Two words. And more"]:
        for nlp in (blank, with_sentences):
            doc = nlp(text)
            assert KERNELS.has_sent_starts(doc) == doc.has_annotation("SENT_START"), (text[:40], nlp.pipe_names)  # type: ignore[union-attr]
    assert not KERNELS.has_sent_starts(blank("No sentence set here at all."))  # type: ignore[union-attr]
    assert KERNELS.has_sent_starts(with_sentences("Set by the sentencizer. Twice."))  # type: ignore[union-attr]


@needs_kernels
def test_compiled_matcher_finds_the_spans_of_the_regex_matcher() -> None:
    nlp = blank_pipeline()
    cues = compile_cues(PATTERNS)
    compiled = hit_finder(cues, nlp.vocab.strings, KERNELS)
    encoder = TokenEncoder(cues, nlp.vocab.strings)
    spans = 0
    for text in _texts():
        doc = nlp.make_doc(model_text(text))
        expected = match_hits(*prefilter(encoder(doc), cues), cues)
        assert compiled(doc) == expected, text[:60]
        spans += sum(len(v) for v in expected.values())
    assert spans > 1000


@needs_kernels
@pytest.mark.parametrize(
    ("text", "patterns"),
    [
        # Backtracking: the wildcard gives tokens back so that the last step can match.
        ("i declare that i have an interest in it", [[{"LOWER": "declare"}, {"OP": "{0,5}"}, {"LOWER": "interest"}]]),
        # A wildcard first step (tried at every token) and overlapping matches.
        ("a b a b a b", [[{"OP": "?"}, {"LOWER": "b"}], [{"LOWER": "a"}, {"LOWER": "b"}, {"LOWER": "a"}]]),
        # Sentence starts inside a repeated step, and at the Doc's start.
        ("what? why. how\nwhen so", [[{"LOWER": {"IN": ["what", "why", "how", "when", "?", "."]}, "IS_SENT_START": True, "OP": "+"}]]),
        ("my my my my", [[{"LOWER": "my"}, {"LOWER": "my", "OP": "{1,2}"}]]),
        ("", [[{"LOWER": "my"}]]),
    ],
)
def test_compiled_matcher_on_edge_cases(text: str, patterns: list) -> None:
    nlp = blank_pipeline()
    cues = compile_cues({"k": patterns, "other": [[{"LOWER": "b"}]]})
    doc = nlp.make_doc(text)
    expected = match_hits(*prefilter(TokenEncoder(cues, nlp.vocab.strings)(doc), cues), cues)
    assert hit_finder(cues, nlp.vocab.strings, KERNELS)(doc) == expected
    assert expected["k"] or not text  # the case really matches something


@needs_kernels
def test_fsum_is_pythons() -> None:
    rng = np.random.default_rng(7)
    cases = [[], [0.0], [1e16, 1.0, -1e16], [0.1] * 10, [1.0, 1e100, 1.0, -1e100], [2.0**53, 1.0, 2.0**-53]]
    for n in (2, 4, 12, 30):
        for _ in range(300):
            scale = 10.0 ** rng.integers(-8, 9, size=n)
            cases.append(list(rng.standard_normal(n) * scale))
    for values in cases:
        assert KERNELS.exact_sum(values) == math.fsum(values), values


@needs_kernels
def test_combiner_kernel_scores_as_features_and_predict() -> None:
    # Every corpus message, so that each cue family and each filter (denials, negated
    # declarations, "my home email", quoted text) is met; bit for bit.
    from bot.directory import load_directory
    from classifiers.combine import Combiner
    from classifiers.corpus import find_corpora, load_corpus
    from classifiers.hits import TEXT_KEY
    from classifiers.pipeline import Detectors

    corpora = [load_corpus(folder) for folder in find_corpora(ROOT / "corpus")]
    detectors = Detectors.load(load_directory(corpora[0].config))
    compiled, reference = Combiner(detectors.weights), Combiner(detectors.weights, kernels=None)
    assert compiled.kernel is not None and reference.kernel is None
    messages = [e.message for c in corpora for e in c.examples]
    texts = [text_for(m) for m in messages]
    positive = dict.fromkeys(detectors.weights, 0)
    for i, (doc, text) in enumerate(detectors.runner((model_text(t), t) for t in texts)):
        doc.user_data[TEXT_KEY] = text
        doc.user_data[BUSINESS_KEY] = i % 3 == 0
        doc.user_data[SIGNED_KEY] = (0.0, 0.5, 1.0)[i % 5 % 3]
        ours, theirs = compiled(doc), reference(doc)
        assert ours == theirs, text[:80]
        for label, score in ours.items():
            positive[label] += score >= detectors.thresholds[label]
    assert len(messages) > 2000 and all(n > 100 for n in positive.values()), positive


def test_combiner_kernel_refuses_weights_for_other_features() -> None:
    if KERNELS is None:
        pytest.skip("no kernels")
    with pytest.raises(ValueError, match="retrain"):
        KERNELS.CombinerKernel({"complaint": [0.1, 0.2]}, 15)


@needs_kernels
def test_sentence_bounds_kernel_finds_the_regex_bounds() -> None:
    from classifiers.text import EVIDENCE_CHARS, _LOOK_BACK, sentence_bounds_by_regex

    rng = np.random.default_rng(3)
    texts = _texts() + [
        "One. Two!  Three?\n\nFour", "Quoted.\" Then) more.’ x", "a\n- bullet\n  * star\n> quoted\n• dot", "Wait...   what?!\u2003Yes",
        "no end at all", "\n\n\n", ".", "end.\n", "Mr. Smith said \u201chello.\u201d  Then left.", "tab.\there", "a.\u00a0b", "x\n   \n y",
    ]
    checked = 0
    for text in texts:
        n = len(text)
        points = {(0, 0), (n, n), (0, n)} | {tuple(sorted(rng.integers(0, n + 1, size=2))) for _ in range(40)} if n else {(0, 0)}
        for start, end in points:
            start, end = int(start), int(end)
            assert KERNELS.sentence_bounds(text, start, end, _LOOK_BACK, EVIDENCE_CHARS) == sentence_bounds_by_regex(text, start, end), (text[:60], start, end)
            checked += 1
    assert checked > 3000


@needs_kernels
def test_evidence_from_the_kernel_is_the_python_paths(monkeypatch: pytest.MonkeyPatch, shipped) -> None:  # type: ignore[no-untyped-def]
    from classifiers import text as text_module
    from classifiers.hits import TEXT_KEY, cue_hits

    detectors = shipped
    texts = _texts() + ["  \n\tMy son's planning application.  \n\nThanks", "I must declare an interest:\u00a0my house\u2028backs on"]
    pairs = []
    for doc, text in detectors.runner((model_text(t), t) for t in texts):
        doc.user_data[TEXT_KEY] = text
        for key, spans in cue_hits(doc).spans.items():
            pairs += [(doc, span, key) for span in spans]
    compiled = [text_module.span_evidence(doc, span, 7, key) for doc, span, key in pairs]
    monkeypatch.setattr(text_module, "KERNELS", None)
    assert [text_module.span_evidence(doc, span, 7, key) for doc, span, key in pairs] == compiled
    assert len(pairs) > 300


@needs_kernels
def test_numbered_name_gate_is_the_regex() -> None:
    from classifiers.signature_stake import _NUMBERED_NAME

    texts = _texts() + ["7 Maes Derwen", "31  Quay\tStreet", "7a Bell Lane", "5pm Friday Market", "01632 960 873", "٣ Main Street",
                        "12 O’Neill Road", "4 x", "9 Ab", "9 Ab\u2003Cd", "Unit 4, Drumaghlis", "1_2 A-b C", "10 Élan Street", "3\n Main Street",
                        "7\u00a0Maes Derwen", "7\u202fMaes Derwen", "7\u2003Maes Derwen"]
    found = 0
    for text in texts:
        expected = _NUMBERED_NAME.search(text) is not None
        assert KERNELS.has_numbered_name(text) == expected, text[-80:]
        found += expected
    assert found > 20  # the corpus texts have addresses, not only the edge cases

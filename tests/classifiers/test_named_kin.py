"""``classifiers/named_kin.py``: "our Connor" is the writer's family; "our Council" is not."""

from __future__ import annotations

from bot.parse import parse_message
from classifiers.combine import revealed_cues
from classifiers.named_kin import mark_named_kin
from classifiers.nlp import blank_pipeline, model_text
from classifiers.pipeline import Detectors, text_for
from classifiers.train import TextExample, example_docs


def msg(body: str) -> object:
    raw = f"From: cllr.jean.thirkettle@brackenford.gov.uk\nTo: memberqueries@brackenford.gov.uk\nSubject: query\n\n{body}\n"
    return parse_message(raw.encode(), "k")


def kin_quotes(detectors: Detectors, body: str) -> list[str]:
    doc = detectors.classify(msg(body)).doc
    return [doc[s:e].text for s, e in revealed_cues(doc, "interest_kin")]


def test_our_and_a_first_name_is_family(blank: Detectors) -> None:
    assert kin_quotes(blank, "Our Shannon put in an application for a dropped kerb in January. Has it been received?") == ["our shannon"]
    assert kin_quotes(blank, "Can you chase the homeless application for our Connor? He is sofa surfing.") == ["our connor"]
    assert kin_quotes(blank, "Our Kev's chippy got a 3 in November. When is the re-rating visit?") == ["our kev's"]


def test_institutions_and_longer_proper_names_are_not_family(blank: Detectors) -> None:
    for body in ("Our Council has still not replied. When will it?",
                 "Our Customer Services team could not help. Who can?",
                 "Is the roof of Our Lady's church listed?",
                 "Does our Code of Conduct cover this? Please advise.",
                 "It was raised at our December meeting. What happened next?"):
        assert kin_quotes(blank, body) == [], body


def test_the_lower_cased_text_alone_shows_no_name(blank: Detectors) -> None:
    # Typed in lower case, or a Doc whose written text was never stored: nothing is guessed.
    assert kin_quotes(blank, "our connor has been sofa surfing. can you chase it?") == []
    doc = blank_pipeline()(model_text("Our Connor has been sofa surfing."))
    mark_named_kin(doc)
    assert revealed_cues(doc, "interest_kin") == ()


def test_marking_twice_adds_nothing(blank: Detectors) -> None:
    doc = blank.classify(msg("Our Connor has been sofa surfing. Can you chase it?")).doc
    before = revealed_cues(doc, "interest_kin")
    mark_named_kin(doc)
    assert revealed_cues(doc, "interest_kin") == before and len(before) == 1


def test_training_sees_the_names_classification_sees(blank: Detectors) -> None:
    # The combiner is fitted on example_docs and applied to classify's Docs: a cue only one
    # of them saw would be weighed on features the other never has.
    body = "Our Shannon put in an application. My sister has the same problem.\n\nOur Council never replies."
    classified = blank.classify(msg(body)).doc
    text = text_for(msg(body))
    example = TextExample(text=text, cats={}, member=True, business=False)
    trained = next(example_docs(blank_pipeline(), [example]))
    assert revealed_cues(trained, "interest_kin") == revealed_cues(classified, "interest_kin")
    assert len(revealed_cues(trained, "interest_kin")) == 2


def test_found_from_each_our_as_the_pattern_alone_finds_them() -> None:
    from classifiers.named_kin import _NAMED, INSTITUTIONS, named_family

    texts = ["Our Shannon rang.", "ur Shannon", "Your Shannon and four Connor, hour Kev", "x our Jack's boots and Our Council",
             "(our Ciara) and 'our Rob'", "Our\\nConnor", "tour Ann, detour Bob, our Ann"]
    for text in texts:
        assert [m.span() for m in named_family(text)] == [m.span() for m in _NAMED.finditer(text) if m.group(1) not in INSTITUTIONS], text
    assert [m.group(1) for m in named_family("tour Ann, detour Bob, our Ann")] == ["Ann"]

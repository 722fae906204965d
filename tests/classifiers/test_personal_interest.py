"""``mq.personal_interest.v2``: declared vs revealed; other senses of interest are not interests."""

from __future__ import annotations

import pytest

from bot.parse import parse_message
from classifiers.pipeline import Detectors


def msg(body: str, sender: str = "cllr.jean.thirkettle@brackenford.gov.uk") -> object:
    return parse_message(f"From: {sender}\nTo: memberqueries@brackenford.gov.uk\nSubject: Pelham Lane\n\n{body}\n".encode(), "k")


def test_declared_interest_says_declared_with_evidence_span(shipped: Detectors) -> None:
    text = "I must declare a personal interest as my husband and I run one of the food stalls. Could you tell me what the new rules on handwash units are?"
    f = shipped.classify(msg(text)).findings["personal_interest"]
    assert f.value is True and f.kind == "declared"
    ev = f.evidence[0]
    assert ev.start is not None and "declare a personal interest" in text[ev.start:ev.end]


def test_revealed_but_undeclared_interest(shipped: Detectors) -> None:
    text = ("Can you tell me where the Pelham Lane outline application has got to? Our back garden runs straight down to the hedge "
            "on the site boundary and my own house floods every winter, so I am keen to see the drainage report.")
    f = shipped.classify(msg(text)).findings["personal_interest"]
    assert f.value is True and f.kind == "undeclared"


@pytest.mark.parametrize("text", [
    "Is interest charged on council tax arrears, and at what rate? A resident in my ward is worried.",
    "There is a lot of public interest in the Pelham Lane scheme; could you tell me when the committee will consider it?",
    "Several interested residents have asked when the consultation starts. Could you let me know?",
])
def test_other_senses_of_interest_are_not_interests(shipped: Detectors, text: str) -> None:
    assert shipped.classify(msg(text)).findings["personal_interest"].value is False


def test_a_residents_family_is_not_the_members_interest(shipped: Detectors) -> None:
    text = "My father died in June and I am the executor. Could you tell me how to close his council tax account?"
    assert shipped.classify(msg(text, sender="Ann Resident <ann@gmail.com>")).findings["personal_interest"].value is False


def test_forwarded_residents_words_do_not_count(blank: Detectors) -> None:
    text = "Can you help this resident please?\n\n---------- Forwarded message ---------\nFrom: R <r@gmail.com>\n\nMy house backs onto the site and my son is worried."
    f = blank.classify(parse_message(f"From: cllr.jean.thirkettle@brackenford.gov.uk\nTo: memberqueries@brackenford.gov.uk\nSubject: Fwd: site\n\n{text}\n".encode(), "k")).findings["personal_interest"]
    assert f.value is False


def _cue_counts(detectors: Detectors, text: str) -> dict[str, int]:
    from classifiers.combine import declared_cues, revealed_cues

    doc = detectors.classify(msg(text)).doc
    return {"declared": len(declared_cues(doc)), **{k: len(revealed_cues(doc, f"interest_{k}")) for k in ("kin", "own", "weak")}}


def test_family_words_explaining_a_home_email_are_not_counted(blank: Detectors) -> None:
    about_mail = "Sorry to write from my home email, my grandson set it up for me. Could the verges on Lôn y Capel be cut?"
    assert _cue_counts(blank, about_mail)["kin"] == 0
    about_stake = "My grandson has applied for the apprenticeship at the depot. Could you tell me when interviews are?"
    assert _cue_counts(blank, about_stake)["kin"] == 1


def test_no_interest_to_declare_is_not_a_declaration(blank: Detectors) -> None:
    counts = _cue_counts(blank, "For the avoidance of doubt I have no interest to declare. When is the hearing?")
    assert counts["declared"] == 0
    assert _cue_counts(blank, "I must declare an interest: the applicant is a friend. When is the hearing?")["declared"] == 1


def test_a_mothers_matter_mid_sentence_is_not_the_writers_family(blank: Detectors) -> None:
    assert _cue_counts(blank, "A constituent asked about her mother's care package. Who should she contact?")["kin"] == 0
    assert _cue_counts(blank, "Mum's bungalow is one of the ones on the list. Who decides the order?")["kin"] == 1


def test_a_denied_stake_is_not_counted(blank: Detectors) -> None:
    assert _cue_counts(blank, "It is not my land, whatever the rumours say. Who owns the verge?")["own"] == 0
    assert _cue_counts(blank, "It is my land, as it happens. Who owns the verge?")["own"] == 1


def test_withdrawing_from_the_decision_and_my_interest_are_declarations(blank: Detectors) -> None:
    for text in ("I'll step back from any decision on this one. Who takes the item instead?",
                 "I will leave the room when the report comes to Cabinet. When is it due?",
                 "Put me down as having an interest and I'll not be voting on it.",
                 "Please treat my interest as declared. When does the consultation close?"):
        assert _cue_counts(blank, text)["declared"] >= 1, text
    assert _cue_counts(blank, "The resident does not speak English well. Could someone call her?")["declared"] == 0
    assert _cue_counts(blank, "Before anyone asks, nothing to declare on this one. When is the hearing?")["declared"] == 0


def test_saying_it_is_mine_reveals_a_stake(blank: Detectors) -> None:
    assert _cue_counts(blank, "The Long Meadow next door is mine. Can planning tell me if the caravans have permission?")["own"] == 1
    assert _cue_counts(blank, "Five boats were moved off their berths. Mine was one of them. Who told him to move them?")["own"] == 1
    assert _cue_counts(blank, "A friend of mine asked about the caravans. Do they have permission?")["own"] == 0


def test_a_business_address_is_evidence_only_when_an_interest_is_found(shipped: Detectors) -> None:
    text = "Could you tell me when the new trade waste charges for shops on Pelham Lane start? We'd need to budget for it."
    business = shipped.classify(msg(text, sender='"Cllr Jean Thirkettle" <jean@thirkettle-hardware.co.uk>'))
    assert business.doc is not None and business.doc.user_data["mq_business_sender"] is True
    f = business.findings["personal_interest"]
    assert any(e.source == "header:From" for e in f.evidence) == f.value
    webmail = shipped.classify(msg(text, sender='"Cllr Jean Thirkettle" <jean.thirkettle@gmail.com>'))
    assert webmail.doc is not None and webmail.doc.user_data["mq_business_sender"] is False
    assert webmail.findings["personal_interest"].score < f.score


def test_a_model_trained_on_other_features_is_refused() -> None:
    from classifiers import combine

    with pytest.raises(ValueError, match="retrain"):
        combine.predict([0.1, 0.2], [1.0, 0.5, 0.0])


def test_the_words_families_use_for_each_other_are_family(blank: Detectors) -> None:
    for text in ("My nan paid for the garden waste bin in November and it never came. Can someone chase it?",
                 "My mammy has been in Bramblecote two years. Why were the families not told?",
                 "My stepfather had his OT assessment in June. How long is the wait for the grant?",
                 "It's my daddy, so excuse the tone. Who is the council's contact at the Trust?"):
        assert _cue_counts(blank, text)["kin"] == 1, text
    # "my fellow councillors" is the chamber, not a family.
    assert _cue_counts(blank, "My fellow councillors have asked the same. When is the report due?")["kin"] == 0


def test_the_dialect_possessive_me_before_family_and_things(blank: Detectors) -> None:
    assert _cue_counts(blank, "Me sister went to housing options on Friday. Can someone chase it?")["kin"] == 1
    assert _cue_counts(blank, "I've had me van in number 7 for twelve year. Who decided to sell the site?")["own"] == 1
    # "me" as the object, before a word that also names family: not a possessive.
    assert _cue_counts(blank, "Could you tell me children's services' number? A resident needs it.")["kin"] == 0


def test_holdings_named_as_things_one_has(blank: Detectors) -> None:
    for text in ("I hold member shares in Glenbus from when it became a co-op. Is the contract being retendered?",
                 "I've got an annual season ticket for Dock Lane. Does the new tariff apply at renewal?",
                 "I've got two plates myself. Is there a grant towards the respray?"):
        assert _cue_counts(blank, text)["own"] == 1, text
    assert _cue_counts(blank, "A resident has got a parking permit but still got a ticket. Can it be cancelled?")["own"] == 0


def test_a_great_grandparent_is_family_history_not_a_stake(blank: Detectors) -> None:
    assert _cue_counts(blank, "My great-grandmother gutted herring on that quay. Is the building listed?")["kin"] == 0
    assert _cue_counts(blank, "My great-grandson starts at the school in September. Is the crossing staffed?")["kin"] == 1


@pytest.mark.parametrize("text", [
    # Asides: a wedding or a birthday, what a husband says, a visit, a relative elsewhere, one who has died.
    "I was over at my cousin's wedding from Friday, hence the delay. Is the bridge open again?",
    "We had our grandson's fifth birthday today. When will the bins be emptied?",
    "My husband says I'm obsessed with potholes. Can the one on Mill Lane be filled?",
    "I went to see my brother, who's not been well. Has the hedge been cut?",
    "My sister up in Cumbria went through the same with her carer. Who do families ring?",
    "My late father was a postman out of that depot. Is it closing?",
    # A relative as the source of what the writer knows, a memory, a reason for a late reply, a visitor.
    "I only know the drill because my stepdad had the same letter last spring. Is the survey compulsory?",
    "My nan used to take me to that library every Saturday. Is it really closing?",
    "I used to push my twins round that park in a double buggy. Why is the gate locked?",
    "My grandad loved that bandstand, God rest him, and he'd have hated the fencing. Who owns it now?",
    "Apologies for the silence: my husband has been in the infirmary since Tuesday. Has the skip gone?",
    "I've been looking after my mother all week. Did the gritting rota change?",
    "We had our granddaughter staying over half-term. When does the pool reopen?",
])
def test_family_in_an_aside_is_not_a_stake(blank: Detectors, text: str) -> None:
    assert _cue_counts(blank, text)["kin"] == 0


@pytest.mark.parametrize("text", [
    "My brother farms the land next to the depot. Is it closing?",
    "My sister has applied for the tenancy at the depot. When will she hear?",
    "My stepdad has the lease on the kiosk. When is it up for renewal?",
    "My nan lives on Corve Street. Is the bus stop moving?",
])
def test_the_same_family_words_with_a_stake_still_count(blank: Detectors, text: str) -> None:
    assert _cue_counts(blank, text)["kin"] == 1


def test_a_stake_said_without_my_or_our(blank: Detectors) -> None:
    for text, kind in (("We're a three-child household on Tanyard Row, so the permit cost hits us too. Is it per car?", "own"),
                       ("Speaking as someone who has been renting out two flats on Quarry Hill, what does the licence cover?", "own"),
                       ("There are nine of us working at the depot and only five spaces. Where will we park?", "own"),
                       ("Our back step was under water by midnight. Who clears the gully?", "own"),
                       ("I've promised the other trustees an answer by Friday. Is the hall free on the 12th?", "role"),
                       ("The wife runs the tearoom by the lock. When do the moorings reopen?", "kin"),
                       ("Herself has the flower stall on the Saturday market. Are pitch fees going up?", "kin")):
        counts = _cue_counts(blank, text)
        assert (counts["kin"] if kind == "kin" else counts["own"] if kind == "own" else len(_roles(blank, text))) >= 1, text
    # The same words with nobody's stake in them.
    for text in ("I'm asking because eight households on Tanyard Row have written to me. Is it per car?",
                 "Herself is on nights this week, so I'm clearing the inbox. Who cuts the verge?",
                 "Mine are grown and gone, but parents are asking: when does the consultation close?",
                 "Many of us who care about the park have signed the petition. When is the decision?"):
        counts = _cue_counts(blank, text)
        assert counts["kin"] == 0 and counts["own"] == 0, text


def _roles(detectors: Detectors, text: str) -> tuple[tuple[int, int], ...]:
    from classifiers.combine import role_cues

    return role_cues(detectors.classify(msg(text)).doc)


@pytest.mark.parametrize("text", [
    "I'm back at my mum's in Kilrooney for the weekend, so I've only seen the photos. Can the graffiti be cleaned?",
    "On the way back from our Tyler's party I drove through the flood at the dip. Is the drain blocked?",
    "Only got back to my inbox properly yesterday. Has the skip on Quay Street gone?",
])
def test_coming_back_to_or_from_somewhere_is_not_a_place_of_ones_own(blank: Detectors, text: str) -> None:
    counts = _cue_counts(blank, text)
    assert counts["own"] == 0 and counts["kin"] == 0


def test_the_back_of_ones_own_place_is_still_a_stake(blank: Detectors) -> None:
    for text in ("The new fence runs along the back of my garden. Who approved it?",
                 "The lorries park out the back onto our lane every night. Is that allowed?"):
        assert _cue_counts(blank, text)["own"] >= 1, text


def test_a_stake_named_only_to_say_it_is_not_the_reason_is_a_denial(blank: Detectors) -> None:
    assert _cue_counts(blank, "I ask not because my road is affected but because the crescent is dark. Can the lamps be fixed?")["own"] == 0
    assert _cue_counts(blank, "I ask because my road is affected. Can the lamps be fixed?")["own"] == 1


def test_the_compiled_combiner_drops_asides_as_the_reference_does(shipped: Detectors) -> None:
    from classifiers import combine
    from classifiers.kernels import KERNELS

    if KERNELS is None:
        pytest.skip("compiled kernels not built")
    text = "My husband says I'm obsessed. My sister has applied for the tenancy. When will she hear?"
    doc = shipped.classify(msg(text)).doc
    reference = combine.Combiner(shipped.weights, kernels=None)(doc)
    compiled = combine.Combiner(shipped.weights)(doc)
    assert compiled["personal_interest"] == pytest.approx(reference["personal_interest"], abs=1e-9)
    assert len(combine.revealed_cues(doc, "interest_kin")) == 1


def test_the_writers_own_place_ruled_out_is_a_denial(blank: Detectors) -> None:
    for text in ("My street isn't in it and wouldn't be. Where does the zone end?",
                 "My street's nowhere near it. Why is the junction being changed?",
                 "My home is some three miles from the site. When is the hearing?",
                 "Not near my house, for the record. Who cuts the verge at Brambledown Cross?",
                 "I sold my own boat in 2019. Who now sets the mooring fees?",
                 "My firm does not act in planning matters. When will the report be out?"):
        assert _cue_counts(blank, text)["own"] == 0, text
    # Said the other way round, it is a stake.
    assert _cue_counts(blank, "My street is in the zone. Where does it end?")["own"] == 1
    assert _cue_counts(blank, "My house is not far from the site. When is the hearing?")["own"] == 1


def _denials(detectors: Detectors, text: str) -> int:
    from classifiers.hits import cue_hits

    return len(cue_hits(detectors.classify(msg(text)).doc).get("interest_denied"))


@pytest.mark.parametrize("text", [
    "My cousin drives a hackney in Derby, but he's nothing to do with our trade here. What are the fees?",
    "I'll say it first: I've no skin in this, my lad's at uni now. When does the scheme open?",
    "I come to this with no axe to grind. Who decided the new opening hours?",
    "Before anyone tries it on, I have no dog in this fight. Were the neighbours notified?",
    "It doesn't touch us at all, we're up the hill. Who owns the culvert?",
    "I'm not personally affected, I live over in Upper Bank. When do the works start?",
    "For the record I don't know the applicant. When is the committee date?",
])
def test_a_stake_ruled_out_in_everyday_words_is_a_denial(blank: Detectors, text: str) -> None:
    assert _denials(blank, text) >= 1


@pytest.mark.parametrize("text", [
    "The tipping has nothing to do with the farm next door, the CCTV shows a white van. Who clears it?",
    "The closure will affect us badly: our café is on the corner. When will it reopen?",
    "Residents are not affected by the diversion. Can you confirm the dates?",
    "I know the applicant well: she is my neighbour. When is the committee date?",
])
def test_the_same_words_without_the_writer_ruled_out_are_not_a_denial(blank: Detectors, text: str) -> None:
    assert _denials(blank, text) == 0


def test_a_finding_says_whether_a_stake_was_quoted(blank: Detectors) -> None:
    from classifiers.text import InterestDetector

    def found(text: str):  # type: ignore[no-untyped-def]
        m = msg(text)
        doc = blank.classify(m).doc
        return InterestDetector()(m, doc, {"personal_interest": 0.9}, 0.5)  # as if the model were sure

    topical = found("The Traders' Association would like stalls on Bell Street for the Christmas market. Which licences do they need?")
    assert topical.value and topical.details["stake_quoted"] is False and topical.evidence[0].detail == "classifier"
    staked = found("My husband runs one of the stalls. Which licences do they need for the Christmas market?")
    assert staked.value and staked.details["stake_quoted"] is True


def test_with_no_stake_to_quote_the_classifier_alone_must_clear_the_margin(blank: Detectors) -> None:
    from classifiers.text import UNCUED_MARGIN, InterestDetector

    detect = InterestDetector()
    uncued = msg("Where are we with the towpath resurfacing between Lock 9 and the basin? Boaters keep asking me.")
    uncued_doc = blank.classify(uncued).doc
    under = detect(uncued, uncued_doc, {"personal_interest": 0.44 + UNCUED_MARGIN - 0.01}, 0.44)
    assert under.value is False and "no stake to quote" in under.details["reason"]
    over = detect(uncued, uncued_doc, {"personal_interest": 0.44 + UNCUED_MARGIN + 0.01}, 0.44)
    assert over.value is True and over.evidence[0].detail == "classifier"
    # A quoted stake needs only the threshold itself.
    cued = msg("My daughter rents one of the boats moored by Lock 9. Where are we with the towpath resurfacing?")
    at_threshold = detect(cued, blank.classify(cued).doc, {"personal_interest": 0.45}, 0.44)
    assert at_threshold.value is True and at_threshold.details["stake_quoted"] is True

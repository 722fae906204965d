"""A stake shown only by the signature (``classifiers/signature_stake.py``)."""

from __future__ import annotations

import pytest

from bot.parse import parse_message
from bot.textsplit import before_forwarded
from classifiers.pipeline import Detectors
from classifiers.signature_stake import ONE_WORD, SURE, signature_stake

SENDER = '"Cllr Gareth Pennock" <cllr.gareth.pennock@brackenford.gov.uk>'


def msg(body: str, subject: str = "A question", sender: str = SENDER) -> object:
    return parse_message(f"From: {sender}\nTo: memberqueries@brackenford.gov.uk\nSubject: {subject}\n\n{body}\n".encode(), "k")


HALL = """Could you tell me whether the Community Buildings Fund is still open? Hollowstone
Village Hall needs a new roof before winter and the committee would like to apply.

Thanks
Gareth Pennock
Trustee, Hollowstone Village Hall (Registered Charity No. 1100000)"""


def test_a_post_in_the_body_the_message_is_about_is_a_sure_stake() -> None:
    stake = signature_stake(msg(HALL))
    assert stake is not None and stake.strength == SURE
    assert stake.evidence.source == "signature" and stake.evidence.text.startswith("Trustee, Hollowstone Village Hall")
    assert "hollowstone village" in stake.evidence.detail


def test_a_post_behind_the_signature_delimiter_counts_too() -> None:
    body = "When will the pitch drainage grant for Stonebridge Rovers be decided?\n\nGareth\n-- \nGareth Pennock\nTreasurer, Stonebridge Rovers FC"
    stake = signature_stake(msg(body))
    assert stake is not None and stake.strength == SURE  # "stonebridge rovers"


def test_a_post_in_a_body_the_message_does_not_name_is_none() -> None:
    body = "Could the bins on Mill Lane be collected before nine? Residents are tripping over them.\n\nGareth Pennock\nTrustee, Hollowstone Village Hall"
    assert signature_stake(msg(body)) is None


def test_one_shared_word_is_weaker_than_the_bodys_name() -> None:
    # "Auchterbrae" is the town as well as the band: only half as sure.
    body = "Are the Auchterbrae road closures for the gala confirmed?\n\nGareth Pennock\nTrustee, Auchterbrae Pipe Band"
    stake = signature_stake(msg(body))
    assert stake is not None and stake.strength == ONE_WORD


def test_a_post_standing_alone_takes_the_body_from_the_next_line() -> None:
    body = "Has the licence for Marlow & Pike Builders' skip on Bell Street been renewed?\n\nGareth Pennock\nDirector\nMarlow & Pike Builders Ltd"
    stake = signature_stake(msg(body))
    assert stake is not None and stake.evidence.text == "Director"


def test_a_seat_above_the_post_is_not_given_the_next_lines_body() -> None:
    # The next line names the body only under a post that stands alone ("Director").
    body = HALL.replace("Gareth Pennock\n", "Gareth Pennock\nChair, Licensing Committee\n")
    stake = signature_stake(msg(body))
    assert stake is not None and stake.evidence.text.startswith("Trustee, Hollowstone Village Hall")


@pytest.mark.parametrize("body", [
    "Can the Planning Committee papers go out early?\n\nGareth Pennock\nChair, Planning Committee",
    "Could the Hollowstone Village Hall grant be checked? I've copied the hall's secretary, Hollowstone Village Hall.",
    "Is the Director of Place's report on Finance ready?\n\nGareth\nDirector of Finance (Section 151 Officer)",
    # The council's own building, an address in a sentence, a phone number: not where the member lives or trades.
    "Can the Market Place car park lights be fixed?\n\nGareth Pennock\nCivic Centre, 1 Market Place, Brackenford",
    "Mr Hussain, who runs the minimarket at 52 Market Street, asked me to raise the bins on Market Street.\n\nCopying Mr Hussain at 52 Market Street.",
    "Is the Market Street closure on Friday?\n\nGareth Pennock\n01632 960 873",
], ids=["council seat", "sentence", "officer's title", "council building", "address in a sentence", "phone number"])
def test_seats_sentences_and_the_councils_addresses_are_not_stakes(body: str) -> None:
    assert signature_stake(msg(body)) is None


def test_the_signers_own_name_is_not_a_body() -> None:
    body = "Where is the Pennock Avenue resurfacing up to?\n\nGareth Pennock\nManaging Director\nPennock Associates"
    assert signature_stake(msg(body)) is None


def test_a_forwarded_messages_sign_off_is_someone_elses() -> None:
    body = """FYI, no action needed.

---------- Forwarded message ---------
From: SU President <president@brackenfordsu.co.uk>
Subject: Bus passes

Brackenford Students' Union welcomes the bus pass pilot.

Amaka Obi
President, Brackenford Students' Union"""
    assert signature_stake(msg(body)) is None
    assert before_forwarded(body) == "FYI, no action needed.\n"


def test_the_finding_quotes_the_signature_and_records_it_for_corrections(blank: Detectors) -> None:
    found = blank.classify(msg(HALL))
    doc = found.doc
    assert doc is not None and doc.user_data["mq_signed_stake"] == SURE
    interest = found.findings["personal_interest"]
    assert interest.details["signed_stake"] == SURE
    if interest.value:
        assert any(e.source == "signature" for e in interest.evidence)
    resident = blank.classify(msg(HALL.replace("Gareth Pennock", "Dot Finchley"), sender="Dot Finchley <dot@btinternet.com>"))
    assert resident.doc is not None and resident.doc.user_data["mq_signed_stake"] == 0.0  # only a member's posts count


SHOP = """The public toilets on Quay Street have been padlocked since Monday with no notice.
Six people came into the shop yesterday asking for the loo. When will they reopen?

Nadia
Nadia Kershaw
Kershaw's Pharmacy, 31 Quay Street, Corfleet"""


def test_a_signed_address_on_the_street_the_message_is_about_is_a_sure_stake() -> None:
    stake = signature_stake(msg(SHOP))
    assert stake is not None and stake.strength == SURE
    assert stake.evidence.text == "Kershaw's Pharmacy, 31 Quay Street, Corfleet" and "quay street" in stake.evidence.detail
    home = "A branch of the ash behind Maes Derwen came through my shed roof today. Can the tree officer look?\n\nCllr Dilwyn Crocombe\n7 Maes Derwen, Pontygarreg\n01632 960 873"
    assert signature_stake(msg(home)) is not None
    # Word processors put a no-break space after a house number: the same address.
    assert signature_stake(msg(home.replace("7 Maes", "7\u00a0Maes"))) is not None


def test_a_signed_address_on_another_street_is_none() -> None:
    body = SHOP.replace("on Quay Street", "on Harbour Road")
    assert signature_stake(msg(body)) is None
    # One shared word is another street as often as this one: "Quay Lane" is not "Quay Street".
    assert signature_stake(msg(SHOP.replace("on Quay Street", "on Quay Lane"))) is None


FORKLIFTS = "Residents are complaining about night forklifts at Brackendyke Fresh Produce on Brackendyke Road. Any conditions?\n\nGareth Pennock\n"


def test_an_employer_counts_under_a_working_title() -> None:
    body = FORKLIFTS + "Shift Supervisor, Brackendyke Fresh Produce Ltd"
    stake = signature_stake(msg(body))
    assert stake is not None and stake.strength == SURE


def test_a_qualifier_in_brackets_after_the_post_is_not_the_body() -> None:
    body = FORKLIFTS + "Shift Lead (Nights), Brackendyke Fresh Produce Ltd"
    stake = signature_stake(msg(body))
    assert stake is not None and stake.strength == SURE and "brackendyke fresh" in stake.evidence.detail
    # With nothing outside the brackets, the brackets name the body.
    alone = HALL.replace("Trustee, Hollowstone Village Hall (Registered Charity No. 1100000)", "Trustee (Hollowstone Village Hall)")
    assert signature_stake(msg(alone)) is not None

"""``mq.sender.v1``: members by address, or by name from outside addresses."""

from __future__ import annotations

from bot.parse import parse_message
from classifiers.pipeline import Detectors


def msg(sender: str, body: str = "Please can you help?") -> object:
    return parse_message(f"From: {sender}\nTo: memberqueries@brackenford.gov.uk\nSubject: x\n\n{body}\n".encode(), "k")


def test_roster_address_any_case(blank: Detectors) -> None:
    c = blank.classify(msg("CLLR.JEAN.THIRKETTLE@Brackenford.gov.uk"))
    assert c.findings["sender_is_member"].value and not c.findings["personal_address"].value
    assert c.member and c.member.name == "Jean Thirkettle"


def test_webmail_matched_by_display_name_is_a_personal_address(blank: Detectors) -> None:
    c = blank.classify(msg('"Cllr. Gareth Pennock" <gareth.pennock71@gmail.com>'))
    assert c.findings["sender_is_member"].value and c.findings["personal_address"].value
    assert c.member and c.member.email == "cllr.gareth.pennock@brackenford.gov.uk"
    assert c.findings["personal_address"].evidence[0].source == "header:From"


def test_webmail_matched_by_sign_off(blank: Detectors) -> None:
    c = blank.classify(msg("gp71@gmail.com", "Please can you help?\n\nThanks\n(Cllr Gareth Pennock, Harrowgate East)"))
    assert c.findings["sender_is_member"].value
    assert c.findings["sender_is_member"].evidence[0].source == "signature"


def test_officer_or_resident_is_not_a_member(blank: Detectors) -> None:
    assert not blank.classify(msg("declan.furness@brackenford.gov.uk")).findings["sender_is_member"].value
    resident = blank.classify(msg("Dorothy Finchley <dot@btinternet.com>"))
    assert not resident.findings["sender_is_member"].value and not resident.findings["personal_address"].value


def test_surname_alone_is_not_a_match(blank: Detectors) -> None:
    assert not blank.classify(msg("Mrs Pennock <mrs.p@gmail.com>")).findings["sender_is_member"].value

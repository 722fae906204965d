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


def _with_members(blank: Detectors, *names: str) -> Detectors:
    from bot.directory import Directory, Member

    members = tuple(Member(n, f"cllr.{i}@brackenford.gov.uk", "Ward", "councillor") for i, n in enumerate(names))
    d = blank.directory
    return blank.with_directory(Directory(domains=d.domains, mailbox=d.mailbox, members=members, officers=d.officers))


def test_sign_off_with_apostrophe_hyphen_or_accent_still_matches(blank: Detectors) -> None:
    detectors = _with_members(blank, "Siân O'Neill", "Rhodri Lloyd-Rees", "Tom Quayle")
    for sign_off, expected in (("Cllr Sian O'Neill", "Siân O'Neill"), ("Siân O’Neill (Cllr)", "Siân O'Neill"), ("RHODRI LLOYD-REES\nCllr, Tonyglo", "Rhodri Lloyd-Rees")):
        c = detectors.classify(msg("someone@example.net", f"Please can you help?\n\nDiolch,\n{sign_off}"))
        assert c.member is not None and c.member.name == expected, sign_off


def test_no_member_surname_in_the_sign_off_is_no_match(blank: Detectors) -> None:
    detectors = _with_members(blank, "Tom Quayle")
    assert detectors.classify(msg("someone@example.net", "Please can you help?\n\nTom")).member is None


def test_a_personal_address_says_whether_it_is_webmail_or_a_business(blank: Detectors) -> None:
    webmail = blank.classify(msg('"Cllr. Gareth Pennock" <gareth.pennock71@Mail.BTInternet.com>')).findings["personal_address"]
    business = blank.classify(msg('"Cllr. Gareth Pennock" <gareth@pennock-joinery.co.uk>')).findings["personal_address"]
    assert (webmail.value, webmail.kind) == (True, "webmail")
    assert (business.value, business.kind) == (True, "business")
    assert blank.classify(msg("cllr.jean.thirkettle@brackenford.gov.uk")).findings["personal_address"].kind is None


def test_a_nickname_in_brackets_in_the_sign_off_still_matches(blank: Detectors) -> None:
    c = blank.classify(msg("gp71@gmail.com", "Please can you help?\n\nThanks\nCllr Gareth (Gaz) Pennock"))
    assert c.member and c.member.name == "Gareth Pennock"
    assert c.findings["sender_is_member"].evidence[0].source == "signature"


def test_a_short_first_name_matches_when_only_one_member_fits(blank: Detectors) -> None:
    # "Gar" is a beginning of Gareth, and Gareth Pennock the only Pennock on the roster.
    c = blank.classify(msg('"Gar Pennock" <gp71@gmail.com>'))
    assert c.member and c.member.name == "Gareth Pennock" and c.findings["personal_address"].value

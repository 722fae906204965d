"""``mq.third_party_cc.v1``: exact, from headers; body statements only support."""

from __future__ import annotations

from bot.parse import parse_message
from classifiers.pipeline import Detectors
from tests.conftest import eml


def msg(to: str, cc: str = "", sender: str = "Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>", body: str = "Could you look at the light please?"):  # type: ignore[no-untyped-def]
    cc_line = f"Cc: {cc}\n" if cc else ""
    return parse_message(f"From: {sender}\nTo: {to}\n{cc_line}Subject: light\nMessage-ID: <t@x>\n\n{body}\n".encode(), "k")


def test_only_the_mailbox_in_odd_case_is_not_a_third_party(blank: Detectors) -> None:
    f = blank.classify(msg("MemberQueries@Brackenford.GOV.UK")).findings["third_party_cc"]
    assert f.value is False and f.details["third_parties"] == []


def test_each_extra_recipient_is_classified(blank: Detectors) -> None:
    m = msg("memberqueries@brackenford.gov.uk, Cllr Eleanor Prideaux <CLLR.ELEANOR.PRIDEAUX@brackenford.gov.uk>",
            "resident <lorna@hotmail.co.uk>, declan.furness@brackenford.gov.uk, someone@planning.brackenford.gov.uk")
    f = blank.classify(m).findings["third_party_cc"]
    assert f.value is True and f.score == 1.0
    kinds = {p["address"]: p["kind"] for p in f.details["third_parties"]}
    assert kinds == {
        "cllr.eleanor.prideaux@brackenford.gov.uk": "councillor",
        "lorna@hotmail.co.uk": "outside_party",
        "declan.furness@brackenford.gov.uk": "officer",
        "someone@planning.brackenford.gov.uk": "unknown_internal",
    }
    assert {e.source for e in f.evidence} >= {"header:To", "header:Cc"}


def test_false_when_the_sender_is_not_a_member(blank: Detectors) -> None:
    m = msg("memberqueries@brackenford.gov.uk", "cllr.eleanor.prideaux@brackenford.gov.uk", sender="Resident <r@gmail.com>")
    assert blank.classify(m).findings["third_party_cc"].value is False


def test_member_copying_their_own_council_address_from_webmail_is_not_a_third_party(blank: Detectors) -> None:
    m = msg("memberqueries@brackenford.gov.uk", "cllr.gareth.pennock@brackenford.gov.uk", sender="Cllr Gareth Pennock <gp71@gmail.com>")
    assert blank.classify(m).findings["third_party_cc"].value is False


def test_body_statement_alone_is_not_enough_but_is_kept_as_support(blank: Detectors) -> None:
    alone = blank.classify(msg("memberqueries@brackenford.gov.uk", body="I've copied in the resident so she knows.")).findings["third_party_cc"]
    assert alone.value is False
    both = blank.classify(msg("memberqueries@brackenford.gov.uk", "lorna@hotmail.co.uk", body="I've copied in the resident so she knows.")).findings["third_party_cc"]
    assert any(e.source == "body" and "copied in the resident" in e.text for e in both.evidence)


def test_an_alias_of_the_mailbox_is_not_a_third_party(blank: Detectors) -> None:
    from dataclasses import replace

    m = msg("memberqueries@brackenford.gov.uk", "Member.Enquiries@brackenford.gov.uk")
    assert blank.classify(m).findings["third_party_cc"].value is True  # not configured: an unknown internal address
    aliased = blank.with_directory(replace(blank.directory, mailbox_aliases=frozenset({"member.enquiries@brackenford.gov.uk"})))
    f = aliased.classify(m).findings["third_party_cc"]
    assert f.value is False and f.details["third_parties"] == []

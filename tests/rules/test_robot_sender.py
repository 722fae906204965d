"""robot-sender: no-reply, mailer-daemon and postmaster senders, a null Return-Path, or no sender."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.robot_sender import RobotSender
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "robot-sender"
MISS = RuleOutcome(RULE, False, ("sender is not a robot address",))

RESIDENT = eml("""\
    Return-Path: <noreen.ashby@example.net>
    From: Noreen Ashby <noreen.ashby@example.net>
    To: memberqueries@brackenford.gov.uk
    Subject: Bins not collected on Tanyard Row
    Date: Mon, 16 Nov 2026 11:00:00 +0000
    Message-ID: <rs-resident@example.net>

    Our bins have not been collected for two weeks.
""")

NULL_RETURN_PATH = eml("""\
    Return-Path: <>
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Delivery report
    Date: Mon, 16 Nov 2026 11:00:00 +0000
    Message-ID: <rs-null@brackenford.gov.uk>

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")

NO_FROM_ADDRESS = eml("""\
    From: MAILER-DAEMON
    To: memberqueries@brackenford.gov.uk
    Subject: Warning: could not send message for past 4 hours
    Date: Mon, 16 Nov 2026 11:00:00 +0000
    Message-ID: <rs-nofrom@mx.example.net>

    The original message was received at Mon, 16 Nov 2026 07:00:00 +0000.
""")


def sent_by(address: str) -> bytes:
    return eml(f"""\
        From: Brackenford Portal <{address}>
        To: memberqueries@brackenford.gov.uk
        Subject: Your report has been updated
        Date: Mon, 16 Nov 2026 11:00:00 +0000
        Message-ID: <rs-1@portal.example.org>

        Report 48213 (fly-tipping, Tanyard Row) has been updated.
    """)


@pytest.mark.parametrize(("address", "local"), [
    ("noreply@portal.example.org", "noreply"),
    ("no-reply@portal.example.org", "no-reply"),
    ("no_reply@portal.example.org", "no_reply"),
    ("do-not-reply@portal.example.org", "do-not-reply"),
    ("DoNotReply@portal.example.org", "donotreply"),  # addresses are compared lower-cased
    ("MAILER-DAEMON@mx.example.net", "mailer-daemon"),
    ("postmaster@brackenford.gov.uk", "postmaster"),
    ("bounces+8c1f=brackenford.gov.uk@lists.example.org", "bounces+8c1f=brackenford.gov.uk"),  # VERP
    ("notifications@portal.example.org", "notifications"),
    ("noreply.planning@portal.example.org", "noreply.planning"),
    ("auto-reply@portal.example.org", "auto-reply"),
])
def test_robot_local_parts_are_hits(ctx, directory, address: str, local: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(sent_by(address), directory)
    assert RobotSender().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"robot local part: {local}",))]


@pytest.mark.parametrize("address", [
    "noreen.ashby@example.net",  # starts like "no-reply"
    "notice.board@fenmoor-parish.example.org",  # starts like "notifications"
    "bouncer.dave@example.net",  # "bounce" must end the word or be followed by a separator
])
def test_people_whose_names_start_like_robots_are_misses(ctx, directory, address: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(sent_by(address), directory)
    assert RobotSender().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_null_return_path_is_a_bounce(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(NULL_RETURN_PATH, directory)
    assert state.member is not None  # From is a member: only the envelope gives it away
    assert RobotSender().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("null Return-Path (a bounce)",))]


def test_no_usable_from_address_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(NO_FROM_ADDRESS, directory)
    assert state.message.sender is None
    assert RobotSender().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("no From address",))]


def test_a_person_with_a_real_return_path_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RESIDENT, directory)
    assert RobotSender().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_a_member_without_return_path_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = NULL_RETURN_PATH.replace(b"Return-Path: <>\n", b"")
    state = state_of(raw, directory)
    assert state.message.header("return-path") == ""
    assert RobotSender().check(ctx, state) is False
    assert state.outcomes == [MISS]

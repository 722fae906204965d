"""own-mailbox: mail from the bot's own address, or carrying its idempotency key, is a reflection."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.config import load_config
from bot.directory import load_directory
from bot.state import RuleOutcome
from rules.safety.own_mailbox import OwnMailbox
from tests.conftest import eml, write_config
from tests.rules.conftest import context, state_of

RULE = "own-mailbox"
MISS = RuleOutcome(RULE, False, ("not our own mail",))

# A member's client bouncing our own acknowledgement back, key header and all.
REFLECTION = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Re: Re: Streetlight out on Orchard Way [MQ-2026-00042]
    Date: Mon, 16 Nov 2026 10:09:00 +0000
    Message-ID: <om-reflection@brackenford.gov.uk>
    X-MQ-Idempotency-Key: 3f9a1c0e5b7d4e2a8c6f1b3d5e7a9c0e2b4d6f8a

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")

ENQUIRY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Reply-To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <om-enquiry@brackenford.gov.uk>

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")


def from_address(address: str) -> bytes:
    return eml(f"""\
        From: Member Queries <{address}>
        To: cllr.jean.thirkettle@brackenford.gov.uk
        Subject: Re: Streetlight out on Orchard Way [MQ-2026-00042]
        Date: Mon, 16 Nov 2026 10:08:00 +0000
        Message-ID: <om-1@brackenford.gov.uk>

        Thank you for your enquiry. Your reference is MQ-2026-00042.
    """)


@pytest.mark.parametrize("address", [
    "memberqueries@brackenford.gov.uk",
    "MemberQueries@Brackenford.gov.uk",
    "MEMBERQUERIES@BRACKENFORD.GOV.UK",
])
def test_our_own_address_in_any_case_is_a_hit(ctx, directory, address: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(from_address(address), directory)
    assert OwnMailbox().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("sender is the Member Queries mailbox",))]


def council_with(tmp_path: Path, mailbox_lines: str) -> tuple:  # type: ignore[type-arg]
    """(config, directory) of the demo council with these lines in its [mailbox] table."""
    folder = tmp_path / "council"
    folder.mkdir()
    mailbox = "[mailbox]\n" + textwrap.dedent(mailbox_lines) + 'backend = "maildir"\npath = "mailbox"\n'
    config = load_config(write_config(folder, mailbox_section=mailbox))
    return config, load_directory(config)


def test_the_configured_address_in_mixed_case_still_matches(tmp_path: Path) -> None:
    config, directory = council_with(tmp_path, 'address = "MemberQueries@Brackenford.GOV.uk"\n')
    state = state_of(from_address("memberqueries@brackenford.gov.uk"), directory)
    assert OwnMailbox().check(context(config, directory), state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("sender is the Member Queries mailbox",))]


def test_our_key_header_from_anyone_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(REFLECTION, directory)
    assert state.member is not None  # a member's address: only the header gives it away
    assert OwnMailbox().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("carries X-MQ-Idempotency-Key: our own mail",))]


def test_the_mailbox_in_to_or_reply_to_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ENQUIRY, directory)
    assert OwnMailbox().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_a_lookalike_address_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(from_address("memberqueries@brackenford.gov.uk.example.net"), directory)
    assert OwnMailbox().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_mail_from_one_of_the_mailboxs_aliases_is_a_hit(tmp_path: Path) -> None:
    config, directory = council_with(tmp_path, 'address = "memberqueries@brackenford.gov.uk"\naliases = ["Member.Enquiries@Brackenford.gov.uk"]\n')
    state = state_of(from_address("member.enquiries@brackenford.gov.uk"), directory)
    assert OwnMailbox().check(context(config, directory), state) is True
    other = state_of(from_address("member.enquiries2@brackenford.gov.uk"), directory)
    assert OwnMailbox().check(context(config, directory), other) is False

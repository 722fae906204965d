"""personal-address-used: a member wrote from a personal address; the domain is named."""

from __future__ import annotations

from bot.state import RuleOutcome
from rules.actions.personal_address_used import PersonalAddressUsed
from tests.conftest import eml
from tests.rules.conftest import finding, state_of

RULE = "personal-address-used"
MISS = RuleOutcome(RULE, False, ("council address or not a member",))

FROM_HOME = eml("""\
    From: Jean Thirkettle <jean.thirkettle64@gmail.com>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Sat, 21 Nov 2026 08:15:00 +0000
    Message-ID: <CAF3x9Yq-pa1@mail.gmail.com>

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")

FROM_COUNCIL = FROM_HOME.replace(b"Jean Thirkettle <jean.thirkettle64@gmail.com>",
                                 b"Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>")

FROM_A_RESIDENT = FROM_HOME.replace(b"Jean Thirkettle <jean.thirkettle64@gmail.com>",
                                    b"Dorothy Finchley <dot.finchley@btinternet.com>")


def at_home(raw: bytes, directory, **findings):  # type: ignore[no-untyped-def]
    """The classify stage matched the member by name, since the address is not on the roster."""
    state = state_of(raw, directory, **findings)
    assert state.member is None
    state.member = directory.member_by_name("Jean Thirkettle")
    assert state.member is not None
    return state


def test_a_member_writing_from_a_personal_address_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = at_home(FROM_HOME, directory, personal_address=True)
    assert PersonalAddressUsed().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("wrote from outside the council's domains (gmail.com)",))]


def test_the_member_at_their_council_address_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(FROM_COUNCIL, directory, personal_address=finding("personal_address", False))
    assert state.member is not None
    assert PersonalAddressUsed().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_finding_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = at_home(FROM_HOME, directory)
    assert PersonalAddressUsed().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_a_resident_is_never_reminded(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(FROM_A_RESIDENT, directory, personal_address=True)
    assert state.member is None
    assert PersonalAddressUsed().check(ctx, state) is False
    assert state.outcomes == [MISS]

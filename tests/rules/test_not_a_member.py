"""not-a-member: a sender the members roster does not know is triaged by a person, never answered."""

from __future__ import annotations

from bot.state import RuleOutcome
from rules.safety.not_a_member import NotAMember
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "not-a-member"
STRANGER = RuleOutcome(RULE, True, ("sender not matched to the members roster",))

RESIDENT = eml("""\
    From: Dorothy Finchley <dot.finchley@btinternet.com>
    To: memberqueries@brackenford.gov.uk
    Subject: Bonfires next door
    Date: Fri, 20 Nov 2026 12:27:00 +0000
    Message-ID: <nam-resident@btinternet.com>

    My neighbour lights bonfires every weekend. Who is my councillor?
""")

MEMBER = eml("""\
    From: Cllr Callum MacAteer <Cllr.Callum.MacAteer@Brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Towpath lighting
    Date: Fri, 20 Nov 2026 12:30:00 +0000
    Message-ID: <nam-member@brackenford.gov.uk>

    When will the towpath lighting on Riverside Walk be switched back on?
""")

OFFICER = eml("""\
    From: Rajesh Kulkarni <rajesh.kulkarni@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Council tax query from a ward member
    Date: Fri, 20 Nov 2026 12:31:00 +0000
    Message-ID: <nam-officer@brackenford.gov.uk>

    Forwarding a member's question about council tax banding.
""")


def test_a_resident_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RESIDENT, directory)
    assert NotAMember().check(ctx, state) is True
    assert state.outcomes == [STRANGER]


def test_an_officer_at_a_council_address_is_still_not_a_member(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(OFFICER, directory)
    assert directory.is_internal("rajesh.kulkarni@brackenford.gov.uk")
    assert NotAMember().check(ctx, state) is True
    assert state.outcomes == [STRANGER]


def test_a_member_is_a_miss_and_named(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # The address is written in mixed case: the roster match is case-insensitive.
    state = state_of(MEMBER, directory)
    assert state.member is not None
    assert NotAMember().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("sender is Callum MacAteer",))]


def test_the_rule_reads_the_member_found_by_the_classify_stage(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # A member writing from home is matched by name upstream; the rule trusts state.member.
    raw = RESIDENT.replace(b"Dorothy Finchley <dot.finchley@btinternet.com>", b"Callum MacAteer <callum.macateer@gmail.com>")
    state = state_of(raw, directory)
    assert state.member is None
    state.member = directory.member_by_name("Callum MacAteer")
    assert NotAMember().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("sender is Callum MacAteer",))]

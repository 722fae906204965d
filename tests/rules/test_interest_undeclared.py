"""interest-undeclared: a member revealed a personal interest without declaring it."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from classifiers.findings import Finding
from rules.actions.interest_undeclared import InterestUndeclared
from tests.conftest import eml
from tests.rules.conftest import finding, state_of

RULE = "interest-undeclared"
MISS = RuleOutcome(RULE, False, ("no undeclared personal interest",))

REVEALED = eml("""\
    From: Cllr Desmond Okafor <cllr.desmond.okafor@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Pelham Lane outline application
    Date: Thu, 19 Nov 2026 22:14:00 +0000
    Message-ID: <iu-1@brackenford.gov.uk>

    Where has the planning application for Pelham Lane got to? Our back garden runs down to the site.
""")

DECLARED = eml("""\
    From: Cllr Desmond Okafor <cllr.desmond.okafor@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Pelham Lane outline application
    Date: Thu, 19 Nov 2026 22:14:00 +0000
    Message-ID: <iu-2@brackenford.gov.uk>

    I declare a personal interest: my home backs onto the site. Where has the Pelham Lane application got to?
""")

RESIDENT = REVEALED.replace(b"Cllr Desmond Okafor <cllr.desmond.okafor@brackenford.gov.uk>",
                            b"Dorothy Finchley <dot.finchley@btinternet.com>")


def test_an_undeclared_interest_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(REVEALED, directory, personal_interest="undeclared")
    assert InterestUndeclared().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("interest revealed but not declared",))]


def test_a_declared_interest_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(DECLARED, directory, personal_interest="declared")
    assert InterestUndeclared().check(ctx, state) is False
    assert state.outcomes == [MISS]


@pytest.mark.parametrize("interest", [None, finding("personal_interest", False, "undeclared")])
def test_no_interest_is_a_miss(ctx, directory, interest) -> None:  # type: ignore[no-untyped-def]
    # A false finding that still carries a kind is no interest at all.
    state = state_of(REVEALED, directory, **({"personal_interest": interest} if interest else {}))
    assert InterestUndeclared().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_a_resident_is_never_asked_to_declare(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RESIDENT, directory, personal_interest="undeclared")
    assert state.member is None
    assert InterestUndeclared().check(ctx, state) is False
    assert state.outcomes == [MISS]


@pytest.mark.parametrize("quoted, hit", [(True, True), (False, False)])
def test_the_member_is_warned_only_about_a_stake_the_text_shows(ctx, directory, quoted: bool, hit: bool) -> None:  # type: ignore[no-untyped-def]
    found = Finding("personal_interest", True, 0.9, "test", kind="undeclared", details={"stake_quoted": quoted})
    state = state_of(REVEALED, directory, personal_interest=found)
    assert InterestUndeclared().check(ctx, state) is hit
    if not hit:
        assert state.outcomes == [RuleOutcome(RULE, False, ("possible interest found by the classifier alone, no stake quoted: staff to judge",))]

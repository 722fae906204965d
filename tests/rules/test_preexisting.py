"""preexisting-mail: mail already in the mailbox at the first poll is recorded, never answered."""

from __future__ import annotations

from bot.state import RuleOutcome
from rules.safety.preexisting import Preexisting
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "preexisting-mail"

ENQUIRY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 2 Nov 2026 10:00:00 +0000
    Message-ID: <pre-1@brackenford.gov.uk>

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")


def test_mail_from_before_the_first_poll_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ENQUIRY, directory)
    state.preexisting = True  # set by the runner, which knows the first poll
    assert Preexisting().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("received before the bot's first poll of this mailbox",))]


def test_new_mail_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ENQUIRY, directory)
    assert state.preexisting is False
    assert Preexisting().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("new mail",))]


def test_the_date_header_does_not_decide(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # A message dated weeks before "now" (the clock says 16 November) is still new mail:
    # only the runner's first-poll mark counts, never a sender-controlled header.
    state = state_of(ENQUIRY, directory)
    assert state.message.received < ctx.clock()
    assert Preexisting().check(ctx, state) is False

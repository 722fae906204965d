"""needs-acknowledgement: a member's enquiry that opens a new case is acknowledged, nothing else is."""

from __future__ import annotations

from dataclasses import replace

from bot.state import RuleOutcome
from rules.actions.needs_acknowledgement import NeedsAcknowledgement
from tests.conftest import eml
from tests.rules.conftest import finding, state_of

RULE = "needs-acknowledgement"

ENQUIRY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <na-1@brackenford.gov.uk>

    A resident tells me the streetlight outside 14 Orchard Way has been out for a week.
    Could you please arrange for it to be repaired and let me know when?
""")

THANKS = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Thanks
    Date: Mon, 16 Nov 2026 15:00:00 +0000
    Message-ID: <na-thanks@brackenford.gov.uk>

    Thank you all for the update at committee last night.
""")

FOLLOW_UP = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Re: Streetlight out on Orchard Way [MQ-2026-00042]
    Date: Tue, 17 Nov 2026 09:00:00 +0000
    Message-ID: <na-2@brackenford.gov.uk>
    In-Reply-To: <na-1@brackenford.gov.uk>
    References: <na-1@brackenford.gov.uk>

    Is there a date for the repair yet?
""")

RESIDENT = ENQUIRY.replace(b"Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>",
                           b"Dorothy Finchley <dot.finchley@btinternet.com>")


def test_a_new_enquiry_from_a_member_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ENQUIRY, directory)  # the enquiry finding is injected true by default
    assert NeedsAcknowledgement().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("new enquiry from a member",))]
    assert state.planned == []  # rules decide; the chain plans, a handler acts


def test_no_case_found_is_a_new_case(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # The pipeline always sets the key; None means no case matched the thread.
    state = state_of(ENQUIRY, directory)
    assert NeedsAcknowledgement().check(replace(ctx, extras={"existing_case": None}), state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("new enquiry from a member",))]


def test_something_that_is_not_an_enquiry_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(THANKS, directory, enquiry=finding("enquiry", False))
    assert state.member is not None
    assert NeedsAcknowledgement().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("not an enquiry",))]


def test_no_enquiry_finding_at_all_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(THANKS, directory)
    del state.findings["enquiry"]
    assert NeedsAcknowledgement().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("not an enquiry",))]


def test_a_residents_enquiry_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RESIDENT, directory)
    assert state.member is None
    assert NeedsAcknowledgement().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("sender is not a member",))]


def test_an_enquiry_continuing_an_existing_case_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(FOLLOW_UP, directory)
    ctx = replace(ctx, extras={"existing_case": "MQ-2026-00042", "existing_case_status": "open"})
    assert NeedsAcknowledgement().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("continues an existing case",))]

"""complaint-copied: a complaint about an officer copied to others earns a reminder of the route."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.actions.complaint_copied import ComplaintCopied
from tests.conftest import eml
from tests.rules.conftest import finding, state_of

RULE = "complaint-copied"
NOT_ABOUT_AN_OFFICER = RuleOutcome(RULE, False, ("no complaint about an officer",))

COPIED = eml("""\
    From: Cllr Eleanor Prideaux <cllr.eleanor.prideaux@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Cc: Upper Wick Residents <chair@upperwick-residents.example.org>, editor@brackenford-echo.example.co.uk
    Subject: Formal complaint
    Date: Thu, 12 Nov 2026 17:36:00 +0000
    Message-ID: <cc-1@brackenford.gov.uk>

    I complain about the conduct of your enforcement officer Craig Dempster, who was rude to residents.
""")

MAILBOX_ONLY = eml("""\
    From: Cllr Eleanor Prideaux <cllr.eleanor.prideaux@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Formal complaint
    Date: Thu, 12 Nov 2026 17:36:00 +0000
    Message-ID: <cc-2@brackenford.gov.uk>

    I complain about the conduct of your enforcement officer Craig Dempster, who was rude to residents.
""")

RESIDENT = COPIED.replace(b"Cllr Eleanor Prideaux <cllr.eleanor.prideaux@brackenford.gov.uk>",
                          b"Dorothy Finchley <dot.finchley@btinternet.com>")


@pytest.mark.parametrize(("about", "named"), [
    ("officer", "officer"),
    ("chief_officer", "chief officer"),
    ("chief_executive", "chief executive"),
])
def test_a_copied_complaint_about_a_person_is_a_hit(ctx, directory, about: str, named: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(COPIED, directory, complaint=about, third_party_cc="outside_party")
    assert ComplaintCopied().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"complaint about {named} copied to others",))]


def test_a_complaint_sent_only_to_the_mailbox_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(MAILBOX_ONLY, directory, complaint="officer", third_party_cc=finding("third_party_cc", False))
    assert ComplaintCopied().check(ctx, state) is False
    assert state.outcomes == [RuleOutcome(RULE, False, ("complaint sent only to the mailbox",))]


def test_a_copied_complaint_about_a_service_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # How a matter was handled is not a complaint about a person: copying others is no breach.
    state = state_of(COPIED, directory, complaint="service", third_party_cc="outside_party")
    assert ComplaintCopied().check(ctx, state) is False
    assert state.outcomes == [NOT_ABOUT_AN_OFFICER]


def test_copied_without_a_complaint_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(COPIED, directory, third_party_cc="outside_party")
    assert ComplaintCopied().check(ctx, state) is False
    assert state.outcomes == [NOT_ABOUT_AN_OFFICER]


def test_a_false_complaint_finding_with_a_kind_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(COPIED, directory, complaint=finding("complaint", False, "officer"), third_party_cc="outside_party")
    assert ComplaintCopied().check(ctx, state) is False
    assert state.outcomes == [NOT_ABOUT_AN_OFFICER]


def test_a_resident_is_never_reminded(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RESIDENT, directory, complaint="officer", third_party_cc="outside_party")
    assert state.member is None
    assert ComplaintCopied().check(ctx, state) is False
    assert state.outcomes == [NOT_ABOUT_AN_OFFICER]

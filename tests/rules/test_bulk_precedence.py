"""bulk-precedence: Precedence bulk, list, junk (and auto_reply) is mass or robot mail."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.bulk_precedence import BulkPrecedence
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "bulk-precedence"
MISS = RuleOutcome(RULE, False, ("no bulk Precedence header",))

PLAIN = eml("""\
    From: Cllr Callum MacAteer <cllr.callum.macateer@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Riverside ward newsletter
    Date: Tue, 17 Nov 2026 07:30:00 +0000
    Message-ID: <bp-plain@brackenford.gov.uk>

    When will the towpath lighting on Riverside Walk be switched back on?
""")


def message(precedence: str) -> bytes:
    return eml(f"""\
        From: Cllr Callum MacAteer <cllr.callum.macateer@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Riverside ward newsletter
        Date: Tue, 17 Nov 2026 07:30:00 +0000
        Message-ID: <bp-1@brackenford.gov.uk>
        Precedence: {precedence}

        When will the towpath lighting on Riverside Walk be switched back on?
    """)


@pytest.mark.parametrize(("value", "shown"), [
    ("bulk", "bulk"),
    ("list", "list"),
    ("junk", "junk"),
    ("auto_reply", "auto_reply"),  # what some vacation programs set
    ("Bulk", "bulk"),
    ("LIST", "list"),
])
def test_mass_mail_precedence_is_a_hit(ctx, directory, value: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message(value), directory)
    assert BulkPrecedence().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"Precedence: {shown}",))]


@pytest.mark.parametrize("value", ["first-class", "normal", "urgent", "bulky-waste"])
def test_other_precedence_values_are_misses(ctx, directory, value: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message(value), directory)
    assert BulkPrecedence().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_header_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(PLAIN, directory)
    assert BulkPrecedence().check(ctx, state) is False
    assert state.outcomes == [MISS]

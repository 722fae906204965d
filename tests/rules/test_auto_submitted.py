"""auto-submitted: any RFC 3834 Auto-Submitted value other than "no" marks machine mail."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.auto_submitted import AutoSubmitted
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "auto-submitted"
MISS = RuleOutcome(RULE, False, ("no Auto-Submitted header, or 'no'",))

PLAIN = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:04:00 +0000
    Message-ID: <as-plain@brackenford.gov.uk>

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")


def message(auto_submitted: str) -> bytes:
    # The same member and the same words every time: only the header decides.
    return eml(f"""\
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Re: Streetlight out on Orchard Way
        Date: Mon, 16 Nov 2026 10:04:00 +0000
        Message-ID: <as-1@brackenford.gov.uk>
        Auto-Submitted: {auto_submitted}

        Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
    """)


@pytest.mark.parametrize(("value", "shown"), [
    ("auto-replied", "auto-replied"),
    ("auto-generated", "auto-generated"),
    ("auto-notified", "auto-notified"),  # RFC 5436 sieve notifications: any extension value counts
    ("Auto-Replied", "auto-replied"),  # keywords are case-insensitive
    ('auto-generated; owner-email="ict@example.net"', 'auto-generated; owner-email="ict@example.net"'),
])
def test_any_value_but_no_is_a_hit(ctx, directory, value: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message(value), directory)
    assert AutoSubmitted().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"Auto-Submitted: {shown}",))]


def test_a_long_value_is_cut_short_in_the_reason(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    value = "auto-generated; owner-email=" + "x" * 80 + "@example.net"
    state = state_of(message(value), directory)
    assert AutoSubmitted().check(ctx, state)
    (reason,) = state.outcomes[0].reasons
    assert reason == "Auto-Submitted: " + value[:60]


@pytest.mark.parametrize("value", ["no", "No", "NO", 'no; reason="typed by a person"'])
def test_no_means_a_person_sent_it(ctx, directory, value: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message(value), directory)
    assert AutoSubmitted().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_header_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(PLAIN, directory)
    assert AutoSubmitted().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_with_a_comment_is_still_no(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message("no (typed by a person)"), directory)
    assert AutoSubmitted().check(ctx, state) is False
    assert state.outcomes == [MISS]

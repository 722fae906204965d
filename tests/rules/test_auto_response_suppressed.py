"""auto-response-suppressed: Exchange's X-Auto-Response-Suppress asks for no automatic replies.

Any value but ``None`` (All, DR, NDR, RN, NRN, OOF, AutoReply, or a list of them) is
honoured: an acknowledgement is an automatic reply.
"""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.auto_response_suppressed import AutoResponseSuppressed
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "auto-response-suppressed"
MISS = RuleOutcome(RULE, False, ("no X-Auto-Response-Suppress header",))

PLAIN = eml("""\
    From: Cllr Sunita Bhogal <cllr.sunita.bhogal@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Northgate car park barrier
    Date: Wed, 18 Nov 2026 09:12:00 +0000
    Message-ID: <ars-plain@brackenford.gov.uk>

    The barrier at Northgate car park has been stuck open since Friday. Who is fixing it?
""")


def message(suppress: str) -> bytes:
    return eml(f"""\
        From: Cllr Sunita Bhogal <cllr.sunita.bhogal@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Northgate car park barrier
        Date: Wed, 18 Nov 2026 09:12:00 +0000
        Message-ID: <ars-1@brackenford.gov.uk>
        X-Auto-Response-Suppress: {suppress}

        The barrier at Northgate car park has been stuck open since Friday. Who is fixing it?
    """)


@pytest.mark.parametrize("value", ["All", "OOF", "AutoReply", "DR, RN, NRN, OOF, AutoReply", "all"])
def test_a_suppression_value_is_a_hit(ctx, directory, value: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message(value), directory)
    assert AutoResponseSuppressed().check(ctx, state) is True
    # The value is quoted as sent, so the audit shows what the sender asked for.
    assert state.outcomes == [RuleOutcome(RULE, True, (f"X-Auto-Response-Suppress: {value}",))]


def test_a_long_list_is_cut_short_in_the_reason(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    value = "DR, NDR, RN, NRN, OOF, AutoReply, DR, NDR, RN, NRN, OOF, AutoReply"
    state = state_of(message(value), directory)
    assert AutoResponseSuppressed().check(ctx, state)
    assert state.outcomes[0].reasons == (f"X-Auto-Response-Suppress: {value[:60]}",)
    assert len(value) > 60


@pytest.mark.parametrize("value", ["None", "none", "NONE"])
def test_none_suppresses_nothing(ctx, directory, value: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message(value), directory)
    assert AutoResponseSuppressed().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_header_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(PLAIN, directory)
    assert AutoResponseSuppressed().check(ctx, state) is False
    assert state.outcomes == [MISS]

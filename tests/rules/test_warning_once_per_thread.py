"""warning-once-per-thread: a warning kind the member already had in this thread is dropped; others stay."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.state import PlannedAction, RuleOutcome
from rules.actions.warning_once_per_thread import WarningOncePerThread
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "warning-once-per-thread"
MISS = RuleOutcome(RULE, False, ("no repeat warning planned",))
JEAN = "cllr.jean.thirkettle@brackenford.gov.uk"

FOLLOW_UP = eml("""\
    From: Jean Thirkettle <jean.thirkettle64@gmail.com>
    To: memberqueries@brackenford.gov.uk
    Cc: Dorothy Finchley <dot.finchley@btinternet.com>
    Subject: Re: Streetlight out on Orchard Way [MQ-2026-00042]
    Date: Tue, 17 Nov 2026 09:00:00 +0000
    Message-ID: <wo-2@mail.gmail.com>
    In-Reply-To: <wo-1@brackenford.gov.uk>
    References: <wo-1@brackenford.gov.uk>

    Is there a date for the repair yet? I have copied Mrs Finchley in again.
""")

ACKNOWLEDGEMENT = PlannedAction("acknowledgement", JEAN, "needs-acknowledgement")
THIRD_PARTY = PlannedAction("warning_third_party", JEAN, "third-party-copied")
PERSONAL_ADDRESS = PlannedAction("warning_personal_address", JEAN, "personal-address-used")


def planned_state(directory):  # type: ignore[no-untyped-def]
    state = state_of(FOLLOW_UP, directory)
    state.member = directory.member_by_email(JEAN)
    state.planned = [ACKNOWLEDGEMENT, THIRD_PARTY, PERSONAL_ADDRESS]
    return state


def test_a_repeat_warning_is_dropped_and_the_others_kept(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    ctx = replace(ctx, extras={"warned_in_thread": {"warning_third_party"}})
    assert WarningOncePerThread().check(ctx, state) is True
    assert state.planned == [ACKNOWLEDGEMENT, PERSONAL_ADDRESS]
    assert state.outcomes == [RuleOutcome(RULE, True, ("already warned in this thread: warning_third_party",))]


def test_every_repeat_is_named_in_planned_order(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    ctx = replace(ctx, extras={"warned_in_thread": {"warning_personal_address", "warning_third_party", "warning_personal_interest"}})
    assert WarningOncePerThread().check(ctx, state) is True
    assert state.planned == [ACKNOWLEDGEMENT]
    assert state.outcomes == [RuleOutcome(RULE, True, (
        "already warned in this thread: warning_third_party, warning_personal_address",))]


@pytest.mark.parametrize("extras", [
    {},  # no case for this thread yet
    {"warned_in_thread": set()},
    {"warned_in_thread": None},
    {"warned_in_thread": {"warning_personal_interest", "warning_complaint_route"}},  # other kinds only
])
def test_nothing_repeated_is_a_miss_and_changes_nothing(ctx, directory, extras: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    assert WarningOncePerThread().check(replace(ctx, extras=extras), state) is False
    assert state.planned == [ACKNOWLEDGEMENT, THIRD_PARTY, PERSONAL_ADDRESS]
    assert state.outcomes == [MISS]


def test_only_warnings_are_limited(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # Whatever the thread's history, an acknowledgement is never treated as a repeat warning.
    state = planned_state(directory)
    assert WarningOncePerThread().check(replace(ctx, extras={"warned_in_thread": {"acknowledgement"}}), state) is False
    assert state.planned == [ACKNOWLEDGEMENT, THIRD_PARTY, PERSONAL_ADDRESS]
    assert state.outcomes == [MISS]


def test_nothing_planned_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(FOLLOW_UP, directory)
    assert WarningOncePerThread().check(replace(ctx, extras={"warned_in_thread": {"warning_third_party"}}), state) is False
    assert state.planned == [] and state.outcomes == [MISS]

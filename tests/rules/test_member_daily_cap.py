"""member-daily-warning-cap: at most bot.warnings_per_member_per_day warnings a day; the rest are dropped.

Warnings are kept in the order they were planned; acknowledgements are never capped.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.state import PlannedAction, RuleOutcome
from rules.actions.member_daily_cap import MemberDailyCap
from tests.conftest import eml
from tests.rules.conftest import context, state_of

RULE = "member-daily-warning-cap"
JEAN = "cllr.jean.thirkettle@brackenford.gov.uk"

COPIED_FROM_HOME = eml("""\
    From: Jean Thirkettle <jean.thirkettle64@gmail.com>
    To: memberqueries@brackenford.gov.uk
    Cc: Dorothy Finchley <dot.finchley@btinternet.com>
    Subject: Pelham Lane and the streetlight
    Date: Mon, 16 Nov 2026 16:30:00 +0000
    Message-ID: <cap-1@mail.gmail.com>

    My garden backs onto Pelham Lane. Is the streetlight there being fixed? I have copied in Mrs Finchley.
""")

ACKNOWLEDGEMENT = PlannedAction("acknowledgement", JEAN, "needs-acknowledgement")
THIRD_PARTY = PlannedAction("warning_third_party", JEAN, "third-party-copied")
PERSONAL_ADDRESS = PlannedAction("warning_personal_address", JEAN, "personal-address-used")
INTEREST = PlannedAction("warning_personal_interest", JEAN, "interest-undeclared")
ALL_PLANNED = [ACKNOWLEDGEMENT, THIRD_PARTY, PERSONAL_ADDRESS, INTEREST]


def planned_state(directory, planned=ALL_PLANNED):  # type: ignore[no-untyped-def]
    state = state_of(COPIED_FROM_HOME, directory)
    state.member = directory.member_by_email(JEAN)
    state.planned = list(planned)
    return state


def with_cap(config, cap: int):  # type: ignore[no-untyped-def]
    return config.model_copy(update={"bot": config.bot.model_copy(update={"warnings_per_member_per_day": cap})})


def test_the_demo_cap_is_three(ctx) -> None:  # type: ignore[no-untyped-def]
    # The numbers below assume the default; if it changes, these tests must be re-read.
    assert ctx.config.bot.warnings_per_member_per_day == 3


def test_room_for_one_keeps_the_first_warning_and_drops_the_rest(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    assert MemberDailyCap().check(replace(ctx, extras={"warnings_today": 2}), state) is True
    assert state.planned == [ACKNOWLEDGEMENT, THIRD_PARTY]
    assert state.outcomes == [RuleOutcome(RULE, True, (
        "cap of 3 a day reached: dropped warning_personal_address, warning_personal_interest",))]


def test_cap_already_reached_drops_every_warning_but_not_the_acknowledgement(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    assert MemberDailyCap().check(replace(ctx, extras={"warnings_today": 3}), state) is True
    assert state.planned == [ACKNOWLEDGEMENT]
    assert state.outcomes == [RuleOutcome(RULE, True, (
        "cap of 3 a day reached: dropped warning_third_party, warning_personal_address, warning_personal_interest",))]


def test_more_sent_than_the_cap_allows_leaves_no_room(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # e.g. the council lowered the cap during the day
    state = planned_state(directory, [THIRD_PARTY])
    assert MemberDailyCap().check(replace(ctx, extras={"warnings_today": 7}), state) is True
    assert state.planned == []
    assert state.outcomes == [RuleOutcome(RULE, True, ("cap of 3 a day reached: dropped warning_third_party",))]


@pytest.mark.parametrize(("today", "reason"), [
    (0, "0 warning(s) today, cap 3"),
    (None, "0 warning(s) today, cap 3"),
])
def test_room_for_all_is_a_miss_and_changes_nothing(ctx, directory, today, reason: str) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    assert MemberDailyCap().check(replace(ctx, extras={"warnings_today": today}), state) is False
    assert state.planned == ALL_PLANNED
    assert state.outcomes == [RuleOutcome(RULE, False, (reason,))]


def test_exactly_enough_room_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory, [ACKNOWLEDGEMENT, THIRD_PARTY, PERSONAL_ADDRESS])
    assert MemberDailyCap().check(replace(ctx, extras={"warnings_today": 1}), state) is False
    assert state.planned == [ACKNOWLEDGEMENT, THIRD_PARTY, PERSONAL_ADDRESS]
    assert state.outcomes == [RuleOutcome(RULE, False, ("1 warning(s) today, cap 3",))]


def test_no_count_given_means_none_sent(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    assert MemberDailyCap().check(ctx, state) is False  # ctx.extras is empty
    assert state.outcomes == [RuleOutcome(RULE, False, ("0 warning(s) today, cap 3",))]


def test_an_acknowledgement_alone_is_never_capped(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory, [ACKNOWLEDGEMENT])
    assert MemberDailyCap().check(replace(ctx, extras={"warnings_today": 10}), state) is False
    assert state.planned == [ACKNOWLEDGEMENT]
    assert state.outcomes == [RuleOutcome(RULE, False, ("10 warning(s) today, cap 3",))]


def test_the_cap_comes_from_config(config, directory) -> None:  # type: ignore[no-untyped-def]
    ctx = replace(context(with_cap(config, 1), directory), extras={"warnings_today": 0})
    state = planned_state(directory)
    assert MemberDailyCap().check(ctx, state) is True
    assert state.planned == [ACKNOWLEDGEMENT, THIRD_PARTY]
    assert state.outcomes == [RuleOutcome(RULE, True, (
        "cap of 1 a day reached: dropped warning_personal_address, warning_personal_interest",))]


def test_a_cap_of_zero_sends_no_warnings(config, directory) -> None:  # type: ignore[no-untyped-def]
    state = planned_state(directory)
    assert MemberDailyCap().check(context(with_cap(config, 0), directory), state) is True
    assert state.planned == [ACKNOWLEDGEMENT]
    assert state.outcomes[0].reasons == (
        "cap of 0 a day reached: dropped warning_third_party, warning_personal_address, warning_personal_interest",)

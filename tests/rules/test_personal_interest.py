"""A personal interest: the case is marked, the Monitoring Officer told, the officer given a note."""

from __future__ import annotations

from bot.state import Route
from rules.routes.personal_interest import PersonalInterest
from tests.conftest import eml
from tests.rules.conftest import context, state_of

MO = "bronwen.tate-ellery@brackenford.gov.uk"
RAW = eml("""\
    From: Cllr Priya Ramaswamy <cllr.priya.ramaswamy@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Handwash units for market food stalls
    Date: Wed, 18 Nov 2026 08:55:00 +0000
    Message-ID: <pi@brackenford.gov.uk>

    I should declare an interest: my husband and I run one of the hot-food stalls.
    Are handwash units required for every stall at the Christmas market?
""")
ROUTE = Route(service="environmental_health", mailbox="envhealth@brackenford.gov.uk", reason="service cues for Environmental Health: 'food'")


def test_declared_interest_tells_the_monitoring_officer_and_the_officer(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RAW, directory, personal_interest="declared")
    rule = PersonalInterest()
    assert rule.check(ctx, state)
    route = rule.apply(ctx, state, ROUTE)
    assert route.mailbox == ROUTE.mailbox and route.service == ROUTE.service  # the route itself is unchanged
    assert route.notify == (MO, "envhealth@brackenford.gov.uk")
    assert "no more, or less, favourably" in route.reason and "(declared)" in route.reason
    assert route.reason.startswith(ROUTE.reason)


def test_revealed_interest_is_named_as_undeclared(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RAW, directory, personal_interest="undeclared")
    route = PersonalInterest().apply(ctx, state, ROUTE)
    assert "revealed but not declared" in route.reason


def test_an_interest_with_no_stake_quoted_is_named_as_possible(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    state = state_of(RAW, directory, personal_interest="undeclared")
    state.findings["personal_interest"] = replace(state.findings["personal_interest"], details={"stake_quoted": False})
    route = PersonalInterest().apply(ctx, state, ROUTE)
    assert "possible: found by the classifier" in route.reason and "revealed but not declared" not in route.reason
    assert MO in route.notify  # staff still hear of it


def test_no_interest_no_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RAW, directory)
    assert not PersonalInterest().check(ctx, state)


def test_not_for_strangers(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    stranger = RAW.replace(b"cllr.priya.ramaswamy@brackenford.gov.uk", b"priya@example.com")
    state = state_of(stranger, directory, personal_interest="declared")
    assert not PersonalInterest().check(ctx, state)


def test_who_is_told_comes_from_config(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.protocol.personal-interest]
        notify = ["monitoring_officer", "chief_executive"]
    ''')
    state = state_of(RAW, directory, personal_interest="declared")
    route = PersonalInterest().apply(context(config, directory), state, ROUTE)
    assert route.notify == (MO, "alasdair.penhaligon@brackenford.gov.uk", "envhealth@brackenford.gov.uk")

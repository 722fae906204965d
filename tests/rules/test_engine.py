"""The routing chain as data: first route hit wins, annotations amend it, config reorders it."""

from __future__ import annotations

import pytest

from bot.config import ConfigError
from rules.chain import ROUTING_CHAIN
from rules.engine import Engine
from tests.conftest import eml
from tests.rules.conftest import context, state_of

FOI_FROM_A_RESIDENT = eml("""\
    From: Dorothy Finchley <dot.finchley@btinternet.com>
    To: memberqueries@brackenford.gov.uk
    Subject: FOI request
    Date: Fri, 20 Nov 2026 12:27:00 +0000
    Message-ID: <res-foi@btinternet.com>

    This is a Freedom of Information request for the bonfire complaints log.
""")
INTEREST_AND_PLANNING = eml("""\
    From: Cllr Desmond Okafor <cllr.desmond.okafor@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Pelham Lane outline application
    Date: Thu, 19 Nov 2026 22:14:00 +0000
    Message-ID: <pl@brackenford.gov.uk>

    Where has the planning application for Pelham Lane got to? Our back garden runs down to the site.
    I need to know before Thursday's parish meeting.
""")
SERVICES = '''
    [routing.services.planning]
    mailbox = "planning@brackenford.gov.uk"
    cues = ["planning application"]
'''


def test_every_routing_rule_is_recorded_and_the_first_hit_wins(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council(SERVICES)
    engine = Engine.from_config(config)
    state = state_of(INTEREST_AND_PLANNING, directory, personal_interest="undeclared")
    engine.decide(context(config, directory), state)
    recorded = [o.rule for o in state.outcomes]
    for link in ROUTING_CHAIN:
        assert link.rule in recorded
    assert state.route is not None and state.route.service == "planning" and state.route.mailbox == "planning@brackenford.gov.uk"
    # personal-interest annotated the winner: the Monitoring Officer and the planning team are told.
    assert state.route.notify == ("bronwen.tate-ellery@brackenford.gov.uk", "planning@brackenford.gov.uk")
    decision = next(o for o in state.outcomes if o.rule == "route")
    assert decision.reasons[0].startswith("service-cues → planning")
    # The deadline carries the member's own date.
    assert state.deadline is not None and state.deadline.member_deadline is not None
    assert state.deadline.member_deadline_text == "before Thursday's parish meeting"


def test_a_stranger_matched_by_a_protocol_route_is_still_triaged(config, directory) -> None:  # type: ignore[no-untyped-def]
    engine = Engine.from_config(config)
    state = state_of(FOI_FROM_A_RESIDENT, directory)
    engine.decide(context(config, directory), state)
    assert state.route is not None and state.route.service == "information_governance" and state.route.triage
    assert "not-a-member" in state.suppress_automatic_mail and not state.planned


def test_config_reorders_and_disables_routes(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing]
        chain = ["unknown-sender", "freedom-of-information", "service-cues"]
        [routing.protocol.safeguarding]
        enabled = false
    ''')
    engine = Engine.from_config(config)
    assert [l.rule for l in engine.routing_chain] == ["unknown-sender", "freedom-of-information", "service-cues", "default-route"]
    state = state_of(FOI_FROM_A_RESIDENT, directory)
    engine.decide(context(config, directory), state)
    assert state.route is not None and state.route.service == "triage"


def test_disabled_route_is_recorded_as_such(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.protocol.freedom-of-information]
        enabled = false
    ''')
    state = state_of(FOI_FROM_A_RESIDENT, directory)
    Engine.from_config(config).decide(context(config, directory), state)
    outcome = next(o for o in state.outcomes if o.rule == "freedom-of-information")
    assert not outcome.matched and outcome.reasons == ("disabled in the council's config",)
    assert state.route is not None and state.route.service == "triage"


@pytest.mark.parametrize(("extra", "message"), [
    ('[routing]\nchain = ["whistleblowing", "no-such-route"]', "routing.chain: unknown route 'no-such-route'"),
    ('[routing.protocol.no-such-route]\nenabled = false', "routing.protocol.no-such-route: unknown route"),
])
def test_unknown_route_names_are_config_errors(council, extra: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=message):
        Engine.from_config(council(extra))

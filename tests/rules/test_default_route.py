from __future__ import annotations

from rules.routes.default_route import DefaultRoute
from tests.conftest import eml
from tests.rules.conftest import context, state_of

RAW = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Ward newsletter dates
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <default@brackenford.gov.uk>

    When is the deadline for items in the next ward newsletter?
""")


def test_default_route_always_hits(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RAW, directory)
    route = DefaultRoute().propose(ctx, state)
    assert route is not None and route.service == "democratic_services"
    assert route.mailbox == "helen.ruddock@brackenford.gov.uk"  # Head of Democratic Services
    assert state.outcomes[-1].matched


def test_default_route_from_config(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing]
        default_route = "corporate"
        [routing.services.corporate]
        mailbox = "customer.services@brackenford.gov.uk"
        manager = "alasdair.penhaligon@brackenford.gov.uk"
    ''')
    route = DefaultRoute().propose(context(config, directory), state_of(RAW, directory))
    assert route is not None
    assert (route.service, route.mailbox, route.manager) == ("corporate", "customer.services@brackenford.gov.uk", "alasdair.penhaligon@brackenford.gov.uk")

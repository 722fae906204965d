from __future__ import annotations

import pytest

from rules.routes.freedom_of_information import FreedomOfInformation
from tests.conftest import eml
from tests.rules.conftest import context, state_of


def message(body: str) -> bytes:
    return eml(f"""\
        From: Cllr Gareth Pennock <cllr.gareth.pennock@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Taxi licence suspensions
        Date: Tue, 17 Nov 2026 15:50:00 +0000
        Message-ID: <foi@brackenford.gov.uk>

        {body}
    """)


@pytest.mark.parametrize("body", [
    "A resident has asked me to forward her Freedom of Information request about taxi licence suspensions.",
    "Please treat this as an FOI request: how many licences were suspended in 2025?",
])
def test_foi_goes_to_information_governance(ctx, directory, body: str) -> None:  # type: ignore[no-untyped-def]
    route = FreedomOfInformation().propose(ctx, state_of(message(body), directory))
    assert route is not None and route.service == "information_governance"
    assert route.mailbox == "martin.scholes@brackenford.gov.uk"  # Head of Information Governance


def test_not_an_foi_request(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    body = "Without making a Freedom of Information request, can you tell me how many taxi licences were suspended?"
    state = state_of(message(body), directory)
    assert FreedomOfInformation().propose(ctx, state) is None
    assert not state.outcomes[-1].matched


def test_config_changes_service_and_cues(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.protocol.freedom-of-information]
        service = "legal"
        mailbox = "foi@brackenford.gov.uk"
        extra_cues = ["information request"]
    ''')
    route = FreedomOfInformation().propose(context(config, directory), state_of(message("This is an information request from a resident."), directory))
    assert route is not None and (route.service, route.mailbox) == ("legal", "foi@brackenford.gov.uk")

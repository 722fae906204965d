from __future__ import annotations

from rules.routes.media_request import MediaRequest
from tests.conftest import eml
from tests.rules.conftest import context, state_of


def message(body: str) -> bytes:
    return eml(f"""\
        From: Cllr Hilary Voss <cllr.hilary.voss@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Christmas market
        Date: Thu, 12 Nov 2026 11:03:00 +0000
        Message-ID: <media@brackenford.gov.uk>

        {body}
    """)


def test_journalist_request_goes_to_communications(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    body = "A journalist from the Brackenford Echo wants a statement on the market closure by tomorrow."
    route = MediaRequest().propose(ctx, state_of(message(body), directory))
    assert route is not None and route.service == "communications" and route.mailbox == "lucy.ambrose@brackenford.gov.uk"


def test_ordinary_enquiry_is_not_media(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    body = "How many stalls have booked for the Christmas market?"
    assert MediaRequest().propose(ctx, state_of(message(body), directory)) is None


def test_press_office_from_config(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.protocol.media-request]
        mailbox = "press.office@brackenford.gov.uk"
    ''')
    route = MediaRequest().propose(context(config, directory), state_of(message("Radio Brackenford asked me for a radio interview."), directory))
    assert route is not None and route.mailbox == "press.office@brackenford.gov.uk"

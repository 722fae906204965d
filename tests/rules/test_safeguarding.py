from __future__ import annotations

from rules.routes.safeguarding import Safeguarding
from tests.conftest import eml
from tests.rules.conftest import state_of


def message(body: str) -> bytes:
    return eml(f"""\
        From: Cllr Gareth Pennock <gareth.pennock.home@gmail.com>
        To: memberqueries@brackenford.gov.uk
        Subject: Worried about an elderly resident
        Date: Sun, 15 Nov 2026 21:37:00 +0000
        Message-ID: <sg@gmail.com>

        {body}
    """)


def test_safeguarding_concern_goes_to_the_lead_officer(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    body = "I think Mrs Hale, who is 91, is being financially abused by roofers who keep coming back for more cash."
    route = Safeguarding().propose(ctx, state_of(message(body), directory))
    assert route is not None and route.service == "safeguarding"
    assert route.mailbox == "yvonne.carrick@brackenford.gov.uk"  # Head of Safeguarding on the roster


def test_other_senses_do_not_fire(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    body = "The park has been neglected for years and the dog grooming van blocks the road."
    assert Safeguarding().propose(ctx, state_of(message(body), directory)) is None


def test_no_safeguarding_concern_is_negated(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    body = "To be clear there is no safeguarding concern here; it is a noise complaint."
    assert Safeguarding().propose(ctx, state_of(message(body), directory)) is None

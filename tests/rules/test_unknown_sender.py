from __future__ import annotations

from rules.routes.unknown_sender import UnknownSender
from tests.conftest import eml
from tests.rules.conftest import context, state_of

RESIDENT = eml("""\
    From: Dorothy Finchley <dot.finchley@btinternet.com>
    To: memberqueries@brackenford.gov.uk
    Subject: Bonfires next door
    Date: Fri, 20 Nov 2026 12:27:00 +0000
    Message-ID: <res@btinternet.com>

    My neighbour lights bonfires every weekend. Who is my councillor?
""")


def test_stranger_goes_to_human_triage(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(RESIDENT, directory)
    route = UnknownSender().propose(ctx, state)
    assert route is not None and route.triage and route.service == "triage"
    assert route.mailbox == "memberqueries@brackenford.gov.uk"  # the mailbox itself unless configured
    assert "dot.finchley@btinternet.com" in route.reason


def test_member_is_not_triaged(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = RESIDENT.replace(b"dot.finchley@btinternet.com", b"cllr.jean.thirkettle@brackenford.gov.uk")
    assert UnknownSender().propose(ctx, state_of(raw, directory)) is None


def test_triage_mailbox_from_config(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing]
        triage_mailbox = "triage@brackenford.gov.uk"
    ''')
    route = UnknownSender().propose(context(config, directory), state_of(RESIDENT, directory))
    assert route is not None and route.mailbox == "triage@brackenford.gov.uk" and route.triage

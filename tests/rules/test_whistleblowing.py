"""Allegations of fraud, corruption or abuse of office: Monitoring Officer, never the accused."""

from __future__ import annotations

from rules.routes.whistleblowing import Whistleblowing
from tests.conftest import eml
from tests.rules.conftest import context, state_of

MO = "bronwen.tate-ellery@brackenford.gov.uk"
CE = "alasdair.penhaligon@brackenford.gov.uk"
S151 = "rajesh.kulkarni@brackenford.gov.uk"


def message(body: str, sender: str = "Cllr Rosalind Featherstone <cllr.rosalind.featherstone@brackenford.gov.uk>") -> bytes:
    return eml(f"""\
        From: {sender}
        To: memberqueries@brackenford.gov.uk
        Subject: Confidential - a concern
        Date: Thu, 19 Nov 2026 13:10:00 +0000
        Message-ID: <wb@brackenford.gov.uk>

        {body}
    """)


FRAUD = message("I have been shown evidence of possible fraud by the parks officer Gavin Trelawney: contracts placed "
                "with a company connected to him and invoices paid for work that was never done.")


def test_fraud_by_an_officer_goes_to_the_monitoring_officer(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(FRAUD, directory)
    route = Whistleblowing().propose(ctx, state)
    assert route is not None and route.mailbox == MO and route.manager == CE
    assert route.service == "democratic_services"
    assert "gavin.trelawney@brackenford.gov.uk" not in (route.mailbox, route.manager, *route.notify)
    assert "Gavin Trelawney" in route.reason and "confidential" in route.reason
    assert state.outcomes[-1].matched


def test_never_the_accused_even_when_it_is_the_monitoring_officer(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("I believe Bronwen Tate-Ellery has abused her position: this looks like corruption in the award of a contract.")
    route = Whistleblowing().propose(ctx, state_of(raw, directory))
    assert route is not None and route.mailbox == CE  # the Head of Paid Service instead
    assert MO not in (route.manager, *route.notify)


def test_configured_notify_leaves_out_the_accused(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.protocol.whistleblowing]
        notify = ["s151_officer"]
    ''')
    route = Whistleblowing().propose(context(config, directory), state_of(FRAUD, directory))
    assert route is not None and route.notify == (S151,)
    accused_s151 = message("Rajesh Kulkarni signed off the invoices; I suspect fraud in the contract.")
    route = Whistleblowing().propose(context(config, directory), state_of(accused_s151, directory))
    assert route is not None and route.mailbox == MO and route.notify == ()


def test_a_residents_benefit_fraud_is_not_whistleblowing(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("A resident tells me her neighbour is committing benefit fraud. Who should she report it to?")
    state = state_of(raw, directory)
    assert Whistleblowing().propose(ctx, state) is None
    assert "nothing in the same sentence" in state.outcomes[-1].reasons[0]


def test_signature_boilerplate_about_fraud_is_ignored(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("When will the Pelham Lane report be published?\n\nBeware of payment fraud: our staff never change bank details by email.")
    assert Whistleblowing().propose(ctx, state_of(raw, directory)) is None


def test_explicit_whistleblowing_needs_no_names(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("I wish to raise a concern under the whistleblowing policy about how a grant was awarded.")
    route = Whistleblowing().propose(ctx, state_of(raw, directory))
    assert route is not None and route.mailbox == MO


def test_no_allegation_no_route(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message("Please send me the minutes of the last audit committee."), directory)
    assert Whistleblowing().propose(ctx, state) is None and not state.outcomes[-1].matched

"""The complaint ladder: officer → Head of Service or Director; chief officer → Chief Executive;
Chief Executive → Leader of the Council. Never to the person complained about."""

from __future__ import annotations

from classifiers.findings import Evidence
from rules.routes.complaint_ladder import ComplaintLadder
from tests.conftest import eml
from tests.rules.conftest import context, finding, state_of

CE = "alasdair.penhaligon@brackenford.gov.uk"
MO = "bronwen.tate-ellery@brackenford.gov.uk"
LEADER = "cllr.rosalind.featherstone@brackenford.gov.uk"
HEAD_OF_PLANNING = "nadia.chowdhury@brackenford.gov.uk"
DIRECTOR_OF_PLACE = "imogen.blackwood@brackenford.gov.uk"


def message(body: str, sender: str = "Cllr Eleanor Prideaux <cllr.eleanor.prideaux@brackenford.gov.uk>") -> bytes:
    return eml(f"""\
        From: {sender}
        To: memberqueries@brackenford.gov.uk
        Subject: Formal complaint
        Date: Thu, 12 Nov 2026 17:36:00 +0000
        Message-ID: <complaint@brackenford.gov.uk>

        {body}
    """)


def test_officer_goes_to_their_head_of_service(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("I complain about the conduct of your enforcement officer Craig Dempster, who was rude to residents.")
    state = state_of(raw, directory, complaint="officer")
    route = ComplaintLadder().propose(ctx, state)
    assert route is not None
    assert (route.service, route.mailbox, route.manager) == ("planning", HEAD_OF_PLANNING, DIRECTOR_OF_PLACE)
    assert "craig.dempster@brackenford.gov.uk" not in (route.mailbox, route.manager, *route.notify)


def test_the_officer_named_in_the_classifier_evidence_wins(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("Mr Farrant's colleague was helpful; the problem is Gavin Trelawney, who was dismissive.")
    evidence = (Evidence("body", "Gavin Trelawney", 10, 25, "names officer"),)
    state = state_of(raw, directory, complaint=finding("complaint", True, "officer", evidence))
    route = ComplaintLadder().propose(ctx, state)
    assert route is not None and route.service == "parks" and route.mailbox == "philip.hartigan@brackenford.gov.uk"


def test_head_of_service_goes_to_their_director(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("Nadia Chowdhury has ignored three emails about this enforcement case; this is unacceptable.")
    route = ComplaintLadder().propose(ctx, state_of(raw, directory, complaint="officer"))
    assert route is not None and route.mailbox == DIRECTOR_OF_PLACE  # director of planning, above the head
    assert route.manager == CE


def test_unnamed_officer_goes_to_the_head_of_the_service_the_cues_point_to(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.services.waste]
        cues = ["bin", "bins", "collection crew"]
    ''')
    raw = message("The bin collection crew were abusive to a resident on Tanyard Row; I complain about their conduct.")
    route = ComplaintLadder().propose(context(config, directory), state_of(raw, directory, complaint="officer"))
    assert route is not None and route.service == "waste" and route.mailbox == "maureen.dunkley@brackenford.gov.uk"


def test_director_goes_to_the_chief_executive(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("I complain about Imogen Blackwood, Director of Place, who cancelled our meeting three times.")
    route = ComplaintLadder().propose(ctx, state_of(raw, directory, complaint="chief_officer"))
    assert route is not None and (route.service, route.mailbox) == ("corporate", CE)


def test_statutory_officer_goes_to_the_chief_executive(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("The Section 151 officer, Rajesh Kulkarni, misled the committee.")
    # The classifier said "officer", but the roster says he is a statutory officer.
    route = ComplaintLadder().propose(ctx, state_of(raw, directory, complaint="officer"))
    assert route is not None and route.mailbox == CE


def test_chief_executive_goes_to_the_leader(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("I make a formal complaint about the Chief Executive's remarks at the member briefing.",
                  sender="Cllr Marcus Hollinrake <cllr.marcus.hollinrake@brackenford.gov.uk>")
    route = ComplaintLadder().propose(ctx, state_of(raw, directory, complaint="chief_executive"))
    assert route is not None
    assert (route.service, route.mailbox, route.manager, route.notify) == ("democratic_services", LEADER, MO, (MO,))
    assert CE not in (route.mailbox, route.manager, *route.notify)


def test_the_leaders_own_complaint_about_the_chief_executive_goes_to_the_monitoring_officer(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = message("I complain about the Chief Executive's conduct.", sender=f"Cllr Rosalind Featherstone <{LEADER}>")
    route = ComplaintLadder().propose(ctx, state_of(raw, directory, complaint="chief_executive"))
    assert route is not None and route.mailbox == MO


def test_a_complaint_about_a_service_is_not_on_the_ladder(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message("This is the third time I have reported this pothole."), directory, complaint="service")
    assert ComplaintLadder().propose(ctx, state) is None
    assert state.outcomes[-1].reasons == ("complaint about how a matter was handled, not a person",)


def test_no_complaint_no_route(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(message("Please send the agenda."), directory)
    assert ComplaintLadder().propose(ctx, state) is None


def test_config_overrides_the_ladder(council, directory) -> None:  # type: ignore[no-untyped-def]
    config = council('''
        [routing.protocol.complaint-ladder]
        notify = ["monitoring_officer"]
        manager = "chief_executive"
    ''')
    raw = message("I complain about the conduct of Craig Dempster.")
    route = ComplaintLadder().propose(context(config, directory), state_of(raw, directory, complaint="officer"))
    assert route is not None and route.mailbox == HEAD_OF_PLANNING and route.notify == (MO,) and route.manager == CE

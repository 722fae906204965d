"""Council service cues from the TOML, matched on words and lemmas, not substrings."""

from __future__ import annotations

import pytest

from rules.routes.service_cues import ServiceCues
from tests.conftest import eml
from tests.rules.conftest import state_of

SERVICES = '''
[routing.services.planning]
name = "Planning"
mailbox = "planning@brackenford.gov.uk"
cues = ["planning", "planning application", "extension"]
[routing.services.waste]
name = "Waste"
mailbox = "waste@brackenford.gov.uk"
cues = ["bin", "bins", "recycling"]
[routing.services.highways]
mailbox = "highways@brackenford.gov.uk"
cues = ["parking", "pothole", "street light"]
[routing.services.parks]
cues = ["park", "play area"]
'''


def message(body: str, subject: str = "A query") -> bytes:
    return eml(f"""\
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: {subject}
        Date: Mon, 16 Nov 2026 10:00:00 +0000
        Message-ID: <cues@brackenford.gov.uk>

        {body}
    """)


@pytest.fixture
def routed(council, directory):  # type: ignore[no-untyped-def]
    from tests.rules.conftest import context

    config = council(SERVICES)
    ctx = context(config, directory)

    def route(body: str, subject: str = "A query"):  # type: ignore[no-untyped-def]
        state = state_of(message(body, subject), directory)
        return ServiceCues().propose(ctx, state), state

    return route


def test_bin_does_not_fire_on_cabinet(routed) -> None:  # type: ignore[no-untyped-def]
    route, state = routed("Could you tell me when the Cabinet will discuss the budget?")
    assert route is None
    assert state.outcomes[-1].rule == "service-cues" and not state.outcomes[-1].matched


def test_planning_fires_on_planned_extension(routed) -> None:  # type: ignore[no-untyped-def]
    route, state = routed("A resident asks whether the planned extension at 4 Mill Lane needs permission.")
    assert route is not None and route.service == "planning" and route.mailbox == "planning@brackenford.gov.uk"
    assert "'planned' (~planning)" in route.reason


def test_lemmas_match_plurals_and_verbs(routed) -> None:  # type: ignore[no-untyped-def]
    route, _ = routed("The street lights on Orchard Way are out again.")
    assert route is not None and route.service == "highways"


def test_an_exact_word_beats_a_lemma(routed) -> None:  # type: ignore[no-untyped-def]
    # "parking" has the lemma "park", but the highways cue is the word itself.
    route, _ = routed("Residents complain about parking on the verge.")
    assert route is not None and route.service == "highways"


def test_most_weight_wins_and_subject_counts(routed) -> None:  # type: ignore[no-untyped-def]
    route, _ = routed("Missed again this week, and the recycling too.", subject="Bins on Tanyard Row")
    assert route is not None and route.service == "waste"


def test_service_without_mailbox_goes_to_its_head_of_service(routed) -> None:  # type: ignore[no-untyped-def]
    route, _ = routed("The swings in the play area are broken.")
    assert route is not None and route.service == "parks"
    assert route.mailbox == "philip.hartigan@brackenford.gov.uk"  # Head of Parks on the roster
    assert route.manager == "imogen.blackwood@brackenford.gov.uk"  # the director above them


def test_negated_cue_is_ignored(routed) -> None:  # type: ignore[no-untyped-def]
    route, _ = routed("This is not about recycling: it is about the cabinet report.")
    assert route is None

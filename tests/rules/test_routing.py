"""Route helpers: a service's team and manager, roles to addresses, never the excluded."""

from __future__ import annotations

from rules.routing import addresses, person_for, service_route, triage_route


def test_service_route_prefers_config_then_head_of_service(council, directory) -> None:  # type: ignore[no-untyped-def]
    from tests.rules.conftest import context

    config = council('''
        [routing.services.housing]
        mailbox = "Housing@Brackenford.gov.uk"
    ''')
    ctx = context(config, directory)
    housing = service_route(ctx, "housing", "why")
    assert (housing.mailbox, housing.manager) == ("housing@brackenford.gov.uk", "olusegun.badmus@brackenford.gov.uk")
    licensing = service_route(ctx, "licensing", "why")
    assert (licensing.mailbox, licensing.manager) == ("declan.furness@brackenford.gov.uk", "imogen.blackwood@brackenford.gov.uk")
    unknown = service_route(ctx, "no_such_service", "why")
    assert unknown.mailbox == "memberqueries@brackenford.gov.uk" and unknown.manager == ""


def test_roles_and_addresses(ctx) -> None:  # type: ignore[no-untyped-def]
    assert person_for(ctx, "leader")[0] == "cllr.rosalind.featherstone@brackenford.gov.uk"
    assert person_for(ctx, "s151_officer")[0] == "rajesh.kulkarni@brackenford.gov.uk"
    assert person_for(ctx, "nobody") == ("", "")
    assert addresses(ctx, ["monitoring_officer", "X@Example.org", "monitoring_officer"], exclude={"x@example.org"}) == (
        "bronwen.tate-ellery@brackenford.gov.uk",)
    assert triage_route(ctx, "why").triage

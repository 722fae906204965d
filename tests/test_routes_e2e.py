"""The protocol routes end to end: Maildir → poll_once → cases, outbox, Maildir drafts.

Complaint ladder, whistleblowing, personal interest and unknown sender, each through
the real pipeline (build_services + poll_once) on a council from write_config. Labels
that come from the retrained text classifiers are injected (tests/rules/harness.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.runner import poll_once
from tests.conftest import deliver, eml, write_config
from tests.rules.harness import cases, council_services, events, outbox

MO = "bronwen.tate-ellery@brackenford.gov.uk"
CE = "alasdair.penhaligon@brackenford.gov.uk"
S151 = "rajesh.kulkarni@brackenford.gov.uk"
LEADER = "cllr.rosalind.featherstone@brackenford.gov.uk"

OFFICER_COMPLAINT = eml("""\
    From: Cllr Eleanor Prideaux <cllr.eleanor.prideaux@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Formal complaint about a planning enforcement officer
    Date: Thu, 12 Nov 2026 15:36:00 +0000
    Message-ID: <e2e-officer@brackenford.gov.uk>
    MIME-Version: 1.0
    Content-Type: text/plain; charset=utf-8

    I wish to make a formal complaint about the conduct of your planning enforcement
    officer Craig Dempster at the site visit on Tuesday. He was rude and dismissive to
    residents. Please could a different officer take over the case.

    Eleanor
""")
CE_COMPLAINT = eml("""\
    From: Cllr Marcus Hollinrake <cllr.marcus.hollinrake@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Complaint about the Chief Executive
    Date: Wed, 18 Nov 2026 11:02:00 +0000
    Message-ID: <e2e-ce@brackenford.gov.uk>

    I make a formal complaint about the Chief Executive's remarks at Monday's member
    briefing. Could you confirm how this will be handled?
""")
WHISTLEBLOWING = eml("""\
    From: Cllr Rosalind Featherstone <cllr.rosalind.featherstone@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Confidential: a concern about parks contracts
    Date: Thu, 19 Nov 2026 13:10:00 +0000
    Message-ID: <e2e-wb@brackenford.gov.uk>

    I have been shown what may be evidence of fraud by the parks officer Gavin Trelawney:
    maintenance contracts placed with a company connected to him, and invoices paid for
    work that was never done. It is unverified. Could you please make sure this reaches
    the right people, in confidence?
""")
INTEREST = eml("""\
    From: Cllr Priya Ramaswamy <cllr.priya.ramaswamy@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Handwash units for market food stalls
    Date: Wed, 18 Nov 2026 08:55:00 +0000
    Message-ID: <e2e-pi@brackenford.gov.uk>

    I should declare an interest, as my husband and I run one of the hot-food stalls.
    Could you tell me whether handwash units are required at every food stall?
""")
STRANGER = eml("""\
    From: Dorothy Finchley <dot.finchley@btinternet.com>
    To: memberqueries@brackenford.gov.uk
    Subject: Bonfires and who is my councillor
    Date: Fri, 20 Nov 2026 12:27:00 +0000
    Message-ID: <e2e-stranger@btinternet.com>

    My neighbour has bonfires every weekend. Could you tell me who my councillor is?
""")
SERVICES = '''
    [routing.services.environmental_health]
    name = "Environmental Health"
    mailbox = "envhealth@brackenford.gov.uk"
    cues = ["food hygiene", "food stall", "handwash", "bonfire"]
    [routing.protocol.whistleblowing]
    notify = ["s151_officer"]
'''


def run(config_dir: Path, blank_detectors_factory, raw: bytes, **labels):  # type: ignore[no-untyped-def]
    services, detectors = council_services(config_dir, blank_detectors_factory, extra=SERVICES)
    message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].decode()
    detectors.inject(message_id, enquiry=True, **labels)
    deliver(config_dir / "mailbox", raw)
    report = poll_once(services)
    assert report.processed == 1 and report.failed == 0
    return services


def test_complaint_about_an_officer_goes_to_their_head_of_service(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services = run(config_dir, blank_detectors_factory, OFFICER_COMPLAINT, complaint="officer")
    [case] = cases(services)
    assert (case.service, case.route_mailbox, case.manager) == ("planning", "nadia.chowdhury@brackenford.gov.uk", "imogen.blackwood@brackenford.gov.uk")
    assert case.flags["complaint"] and case.flags["complaint_about"] == "officer"
    assert "Craig Dempster" in case.route_reason
    assert all(item.to_addr != "craig.dempster@brackenford.gov.uk" for item in outbox(services))
    assert [i.kind for i in outbox(services)] == ["acknowledgement"]
    decided = events(services, "decided")[-1].detail
    assert decided["route"] == "planning" and any(r["rule"] == "complaint-ladder" and r["hit"] for r in decided["rules"])


def test_complaint_about_the_chief_executive_goes_to_the_leader(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services = run(config_dir, blank_detectors_factory, CE_COMPLAINT, complaint="chief_executive")
    [case] = cases(services)
    assert (case.route_mailbox, case.manager) == (LEADER, MO)
    notices = [i for i in outbox(services) if i.kind == "notice"]
    assert [n.to_addr for n in notices] == [MO]
    assert all(CE != i.to_addr for i in outbox(services))
    assert "Leader of the Council" in notices[0].body_text


def test_whistleblowing_goes_to_the_monitoring_officer_never_the_accused(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services = run(config_dir, blank_detectors_factory, WHISTLEBLOWING)
    [case] = cases(services)
    assert (case.service, case.route_mailbox, case.manager) == ("democratic_services", MO, CE)
    addressed = {i.to_addr for i in outbox(services)}
    assert "gavin.trelawney@brackenford.gov.uk" not in addressed and "philip.hartigan@brackenford.gov.uk" not in addressed
    assert {i.to_addr for i in outbox(services) if i.kind == "notice"} == {S151}
    # The draft notice really is in the Maildir, addressed to one person.
    drafts = list((config_dir / "mailbox" / ".Drafts" / "cur").iterdir())
    assert any(b"To: " + S151.encode() in p.read_bytes() for p in drafts)


def test_personal_interest_marks_the_case_and_tells_the_monitoring_officer_and_the_officer(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services = run(config_dir, blank_detectors_factory, INTEREST, personal_interest="declared")
    [case] = cases(services)
    assert case.flags["personal_interest"] and case.flags["interest_kind"] == "declared"
    assert case.route_mailbox == "envhealth@brackenford.gov.uk"
    notices = {i.to_addr: i for i in outbox(services) if i.kind == "notice"}
    assert set(notices) == {MO, "envhealth@brackenford.gov.uk"}
    for notice in notices.values():
        assert "no more, or less, favourably than an enquiry from any other local person" in " ".join(notice.body_text.split())


def test_unknown_sender_goes_to_triage_and_nothing_is_sent(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services = run(config_dir, blank_detectors_factory, STRANGER)
    [case] = cases(services)
    assert case.status == "triage"
    assert outbox(services) == []
    decided = events(services, "decided")[-1].detail
    assert "not-a-member" in decided["suppressed"]


def test_classify_json_gives_due_and_route_for_every_enquiry(config_dir: Path) -> None:
    path = write_config(config_dir, extra=SERVICES)
    folder = config_dir / "eml"
    folder.mkdir()
    for n, raw in enumerate((OFFICER_COMPLAINT, CE_COMPLAINT, WHISTLEBLOWING, INTEREST, STRANGER)):
        (folder / f"{n}.eml").write_bytes(raw)
    result = CliRunner().invoke(main, ["-c", str(path), "classify", "--json", str(folder)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(records) == 5
    for record in records:
        assert record["route"]
        if record["enquiry"]:
            assert record["due"]
    by_file = {r["file"]: r for r in records}
    assert by_file["2.eml"]["route"] == "democratic_services"  # whistleblowing: the Monitoring Officer's service


def test_explain_and_rules_list_show_the_routing_rules(config_dir: Path) -> None:
    path = write_config(config_dir, extra=SERVICES)
    (config_dir / "wb.eml").write_bytes(WHISTLEBLOWING)
    result = CliRunner().invoke(main, ["-c", str(path), "explain", str(config_dir / "wb.eml")])
    assert result.exit_code == 0, result.output
    for rule in ("whistleblowing", "complaint-ladder", "personal-interest", "freedom-of-information", "safeguarding",
                 "media-request", "unknown-sender", "service-cues", "default-route"):
        assert rule in result.output
    assert f"Route: democratic_services → {MO}" in result.output
    listing = CliRunner().invoke(main, ["rules", "list"])
    assert "Routing chain" in listing.output and "Section 17.4.2" in listing.output and "Rutland 14" in listing.output


def test_classify_stage_leaves_a_doc_for_the_rules(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    from bot.pipeline import classify_stage, parse_stage
    from bot.backends.base import RawItem

    services, _ = council_services(config_dir, blank_detectors_factory, extra=SERVICES)
    state = parse_stage(services, RawItem(backend_id="x", raw=INTEREST))
    classify_stage(services, state)
    assert state.doc is not None and "handwash" in [t.lower_ for t in state.doc]
    assert any(t.lemma_ == "stall" for t in state.doc)


def test_mail_not_read_by_the_classifier_is_lemmatized_only_when_a_rule_asks(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    from bot.pipeline import classify_stage, parse_stage
    from bot.backends.base import RawItem
    from rules.text import doc_of

    services, _ = council_services(config_dir, blank_detectors_factory, extra=SERVICES)
    auto = INTEREST.replace(b"Message-ID:", b"Auto-Submitted: auto-replied\nMessage-ID:")
    state = parse_stage(services, RawItem(backend_id="y", raw=auto))
    classify_stage(services, state)
    assert state.doc is None and state.findings["enquiry"].evidence[0].source == "header:Auto-Submitted"
    assert any(t.lemma_ == "stall" for t in doc_of(state))


def test_explain_says_why_an_automatic_message_was_not_read(config_dir: Path) -> None:
    path = write_config(config_dir, extra=SERVICES)
    (config_dir / "auto.eml").write_bytes(INTEREST.replace(b"Message-ID:", b"Auto-Submitted: auto-replied\nMessage-ID:"))
    result = CliRunner().invoke(main, ["-c", str(path), "explain", str(config_dir / "auto.eml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("complaint "))
    assert lines[at + 1].strip() == "(not read: automatic message)"

"""third-party-copied: a member copied people outside the officer correspondence; the count is named."""

from __future__ import annotations

from bot.state import RuleOutcome
from classifiers.findings import Finding
from classifiers.recipients import ThirdPartyDetector
from rules.actions.third_party_copied import ThirdPartyCopied
from tests.conftest import eml
from tests.rules.conftest import finding, state_of

RULE = "third-party-copied"
MISS = RuleOutcome(RULE, False, ("no third party in To/Cc",))

COPIED_ONE = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Cc: Dorothy Finchley <dot.finchley@btinternet.com>
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <tp-1@brackenford.gov.uk>

    I have copied in the resident who reported this. Could you arrange a repair?
""")

COPIED_TWO = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk, Fenmoor Parish Clerk <clerk@fenmoor-parish.example.org>
    Cc: Dorothy Finchley <dot.finchley@btinternet.com>
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <tp-2@brackenford.gov.uk>

    Could you arrange a repair? The parish clerk and the resident would like to know too.
""")

MAILBOX_ONLY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <tp-3@brackenford.gov.uk>

    Could you arrange a repair?
""")


def third_parties(*parties: tuple[str, str, str]) -> Finding:
    """A true third_party_cc finding shaped as the recipients detector shapes it."""
    extra = [{"address": address, "kind": kind, "header": header} for address, kind, header in parties]
    return Finding("third_party_cc", True, 1.0, "test", (), kind=",".join(sorted({e["kind"] for e in extra})),
                   details={"third_parties": extra})


def test_one_third_party_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(COPIED_ONE, directory, third_party_cc=third_parties(("dot.finchley@btinternet.com", "outside_party", "Cc")))
    assert ThirdPartyCopied().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("1 third party copied in",))]


def test_two_third_parties_are_counted(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(COPIED_TWO, directory, third_party_cc=third_parties(
        ("clerk@fenmoor-parish.example.org", "outside_party", "To"),
        ("dot.finchley@btinternet.com", "outside_party", "Cc"),
    ))
    assert ThirdPartyCopied().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("2 third parties copied in",))]


def test_the_count_comes_from_the_real_detectors_details(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    # Guards the contract between detector and rule: the rule counts details["third_parties"].
    state = state_of(COPIED_TWO, directory)
    state.findings["third_party_cc"] = ThirdPartyDetector()(state.message, directory, sender_is_member=True)
    assert ThirdPartyCopied().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("2 third parties copied in",))]


def test_a_false_finding_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(MAILBOX_ONLY, directory, third_party_cc=finding("third_party_cc", False))
    assert ThirdPartyCopied().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_finding_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(MAILBOX_ONLY, directory)
    assert "third_party_cc" not in state.findings
    assert ThirdPartyCopied().check(ctx, state) is False
    assert state.outcomes == [MISS]

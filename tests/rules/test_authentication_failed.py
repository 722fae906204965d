"""authentication-failed: an SPF, DKIM or DMARC failure in Authentication-Results (RFC 8601)."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.authentication_failed import AuthenticationFailed
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "authentication-failed"
MISS = RuleOutcome(RULE, False, ("no authentication failure recorded",))

# A spoofed From: a member's address, sent from somewhere that is not the council.
SPOOFED = eml("""\
    Authentication-Results: mx.brackenford.gov.uk; spf=fail (sender IP is 203.0.113.9)
     smtp.mailfrom=brackenford.gov.uk; dkim=none (message not signed) header.d=none;
     dmarc=fail action=quarantine header.from=brackenford.gov.uk
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Urgent: change of bank details for ward grant
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <af-spoofed@example.net>

    Please pay the Fenmoor ward grant to the account below instead.
""")

GENUINE = eml("""\
    Authentication-Results: mx.brackenford.gov.uk; spf=pass (sender IP is 198.51.100.7)
     smtp.mailfrom=brackenford.gov.uk; dkim=pass (signature was verified)
     header.d=brackenford.gov.uk; dmarc=pass action=none header.from=brackenford.gov.uk
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <af-genuine@brackenford.gov.uk>

    Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
""")


def with_results(results: str) -> bytes:
    return eml(f"""\
        Authentication-Results: mx.brackenford.gov.uk; {results}
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Streetlight out on Orchard Way
        Date: Mon, 16 Nov 2026 10:00:00 +0000
        Message-ID: <af-1@brackenford.gov.uk>

        Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
    """)


def test_a_spoofed_member_is_a_hit_on_the_first_failure(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(SPOOFED, directory)
    assert state.member is not None  # the roster is fooled: that is why this rule exists
    assert AuthenticationFailed().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("Authentication-Results: spf=fail",))]


@pytest.mark.parametrize(("results", "failure"), [
    ("spf=fail smtp.mailfrom=brackenford.gov.uk", "spf=fail"),
    ("spf=softfail smtp.mailfrom=brackenford.gov.uk", "spf=softfail"),
    ("spf=permerror smtp.mailfrom=brackenford.gov.uk", "spf=permerror"),
    ("spf=pass smtp.mailfrom=brackenford.gov.uk; dkim=fail (body hash did not verify) header.d=brackenford.gov.uk", "dkim=fail"),
    ("spf=none smtp.mailfrom=example.net; dkim=none; dmarc=fail action=reject header.from=brackenford.gov.uk", "dmarc=fail"),
    ("spf=pass; dkim=pass; dmarc=pass; compauth=fail reason=001", "compauth=fail"),
    ("SPF=Fail smtp.mailfrom=brackenford.gov.uk", "SPF=Fail"),  # quoted as written
])
def test_each_kind_of_failure_is_a_hit(ctx, directory, results: str, failure: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(with_results(results), directory)
    assert AuthenticationFailed().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"Authentication-Results: {failure}",))]


def test_a_failure_in_a_second_results_header_counts(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = b"Authentication-Results: relay.example.net; dkim=fail header.d=brackenford.gov.uk\n" + GENUINE
    state = state_of(raw, directory)
    assert AuthenticationFailed().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("Authentication-Results: dkim=fail",))]


def test_all_pass_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(GENUINE, directory)
    assert AuthenticationFailed().check(ctx, state) is False
    assert state.outcomes == [MISS]


@pytest.mark.parametrize("results", [
    "spf=pass smtp.mailfrom=brackenford.gov.uk",
    "spf=neutral smtp.mailfrom=brackenford.gov.uk; dkim=none; dmarc=none",  # unknown is not failed
    "spf=pass smtp.mailfrom=fail.example.net; dkim=pass header.d=dmarc-fail.example.net",  # "fail" in a domain
    "none",
])
def test_results_without_a_failure_are_misses(ctx, directory, results: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(with_results(results), directory)
    assert AuthenticationFailed().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_no_results_header_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = GENUINE[GENUINE.index(b"From:"):]
    state = state_of(raw, directory)
    assert state.message.header("authentication-results") == ""
    assert AuthenticationFailed().check(ctx, state) is False
    assert state.outcomes == [MISS]

"""list-mail: any RFC 2369 / RFC 2919 List-* header marks a list or a newsletter."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.list_mail import ListMail
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "list-mail"
MISS = RuleOutcome(RULE, False, ("no List-* headers",))

DIGEST = eml("""\
    From: Cllr Fiona Grebby <cllr.fiona.grebby@brackenford.gov.uk>
    To: cresswell-residents@lists.example.org
    Cc: memberqueries@brackenford.gov.uk
    Subject: [cresswell-residents] Road closure on Mill Lane
    Date: Thu, 19 Nov 2026 18:02:00 +0000
    Message-ID: <lm-digest@lists.example.org>
    List-Id: Cresswell residents <cresswell-residents.lists.example.org>
    List-Unsubscribe: <mailto:cresswell-residents-leave@lists.example.org>
    List-Post: <mailto:cresswell-residents@lists.example.org>
    List-Help: <mailto:cresswell-residents-request@lists.example.org?subject=help>

    Does anyone know how long Mill Lane will be closed for?
""")

ORDINARY = eml("""\
    From: Cllr Fiona Grebby <cllr.fiona.grebby@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Road closure on Mill Lane
    Date: Thu, 19 Nov 2026 18:02:00 +0000
    Message-ID: <lm-ordinary@brackenford.gov.uk>

    A resident asks how long Mill Lane will be closed for. The List-Id: header of the
    parish mailing list is in the forwarded text, but this message is mine.
""")


def one_list_header(header: str) -> bytes:
    return eml(f"""\
        From: Cllr Fiona Grebby <cllr.fiona.grebby@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Cresswell news
        Date: Thu, 19 Nov 2026 18:02:00 +0000
        Message-ID: <lm-1@lists.example.org>
        {header}

        Does anyone know how long Mill Lane will be closed for?
    """)


def test_every_list_header_present_is_named(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(DIGEST, directory)
    assert ListMail().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("list headers: list-id, list-unsubscribe, list-post, list-help",))]


@pytest.mark.parametrize(("header", "named"), [
    ("List-Id: <cresswell-residents.lists.example.org>", "list-id"),  # a discussion list
    ("List-Unsubscribe: <https://news.example.org/u/8c1f>, <mailto:u-8c1f@news.example.org>", "list-unsubscribe"),  # a newsletter without List-Id
    ("List-Post: <mailto:cresswell-residents@lists.example.org>", "list-post"),
    ("List-Help: <mailto:cresswell-residents-request@lists.example.org>", "list-help"),
])
def test_one_list_header_is_enough(ctx, directory, header: str, named: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(one_list_header(header), directory)
    assert ListMail().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"list headers: {named}",))]


def test_list_id_and_unsubscribe_together(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = eml("""\
        From: Brackenford Bulletin <bulletin@news.example.org>
        To: cllr.fiona.grebby@brackenford.gov.uk
        Subject: This week in Brackenford
        Date: Fri, 20 Nov 2026 06:00:00 +0000
        Message-ID: <lm-2@news.example.org>
        List-Unsubscribe: <https://news.example.org/u/8c1f>
        List-Id: <bulletin.news.example.org>

        Ten things to do this weekend.
    """)
    state = state_of(raw, directory)
    assert ListMail().check(ctx, state)
    # Named in the rule's own order, not the message's.
    assert state.outcomes[0].reasons == ("list headers: list-id, list-unsubscribe",)


def test_a_member_writing_directly_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ORDINARY, directory)
    assert ListMail().check(ctx, state) is False
    assert state.outcomes == [MISS]

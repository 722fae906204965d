"""out-of-office: automatic replies by header, by subject, and by their words when a client sends neither.

Members' own out-of-office replies come from roster addresses, so the roster cannot stop
them; a long message that happens to mention leave is a member writing, not a robot.
"""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.out_of_office import OutOfOffice
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "out-of-office"
MISS = RuleOutcome(RULE, False, ("no out-of-office signs",))

BODY_ONLY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Re: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:06:00 +0000
    Message-ID: <ooo-body@brackenford.gov.uk>

    Thank you for your email. I am currently out of the office until Monday 23 November
    and will respond on my return.
""")

ENQUIRY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <ooo-enquiry@brackenford.gov.uk>

    A resident tells me the streetlight outside 14 Orchard Way has been out for a week.
    Could you please arrange for it to be repaired and let me know when?
""")

# Mentions the member's leave early on, but it is a long piece of casework.
LONG_CASEWORK = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Flooding at the Fenmoor allotments
    Date: Tue, 17 Nov 2026 16:40:00 +0000
    Message-ID: <ooo-long@brackenford.gov.uk>

    Dear colleagues,

    I will be on annual leave from 30 November, so I would be grateful for an answer
    before then on the flooding at the Fenmoor allotments, which has now gone on for
    most of the autumn and is getting worse with every heavy shower.

    The plot holders tell me that the drainage ditch along the eastern boundary, which
    I understand the council cleared every spring until about 2022, is now completely
    blocked with silt and brambles. When it rains, the water backs up across plots 14
    to 31 and stands there for days. Several tenants have lost their winter crops and
    two have given notice because they cannot work waterlogged ground.

    I have three questions. First, whose responsibility is the ditch: the council as
    landlord, the allotment association under the 2019 lease, or the owner of the farm
    on the other side? Second, if it is ours, when was it last inspected and is a
    clearance on any programme of works this financial year? Third, if it is not ours,
    what has the council done to remind the responsible party of their duty, and can
    the council do the work and recover the cost?

    The association's secretary has sent me photographs taken over the last month and
    a copy of her correspondence with the parks team from September, which does not
    seem to have received a substantive reply. I can forward both if that would help
    whoever picks this up.

    I would also like to know whether the rent review planned for April will take the
    lost growing season into account, because several of the affected tenants are
    pensioners on fixed incomes and have asked me directly whether they will be asked
    to pay in full for plots they could not use.

    Many thanks,
    Jean
""")


def with_subject(subject: str) -> bytes:
    return eml(f"""\
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: {subject}
        Date: Mon, 16 Nov 2026 10:06:00 +0000
        Message-ID: <ooo-subject@brackenford.gov.uk>

        Thank you for your message.
    """)


def with_body(text: str) -> bytes:
    return eml(f"""\
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Re: Streetlight out on Orchard Way
        Date: Mon, 16 Nov 2026 10:06:00 +0000
        Message-ID: <ooo-text@brackenford.gov.uk>

        {text}
    """)


@pytest.mark.parametrize("header", ["X-Autoreply: yes", "X-Autorespond: Thank you for your email"])
def test_autoreply_headers_are_a_hit(ctx, directory, header: str) -> None:  # type: ignore[no-untyped-def]
    raw = eml(f"""\
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: Re: Streetlight out on Orchard Way
        Date: Mon, 16 Nov 2026 10:06:00 +0000
        Message-ID: <ooo-header@brackenford.gov.uk>
        {header}

        Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
    """)
    state = state_of(raw, directory)
    assert OutOfOffice().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("X-Autoreply/X-Autorespond header",))]


@pytest.mark.parametrize("subject", [
    "Automatic reply: Streetlight out on Orchard Way",
    "Out of Office: Streetlight out on Orchard Way",
    "Out of the office until 23 November",
    "Auto-Reply: Streetlight out on Orchard Way",
    "AutoReply: Streetlight out on Orchard Way",
    "Auto Response: your message",
    "OOO until Monday",
    "Ateb awtomatig: Streetlight out on Orchard Way",  # Welsh-language Outlook
    "Allan o'r swyddfa: Streetlight out on Orchard Way",
])
def test_autoreply_subjects_are_a_hit(ctx, directory, subject: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(with_subject(subject), directory)
    assert OutOfOffice().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"subject: {subject[:60]}",))]


def test_the_words_alone_are_a_hit_without_headers_or_subject(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(BODY_ONLY, directory)
    assert state.member is not None  # the member's own address: only the words give it away
    assert OutOfOffice().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("text: I am currently out of the office",))]


@pytest.mark.parametrize(("text", "quoted"), [
    ("Thank you for your email. I am on annual leave until Monday.", "I am on annual leave"),
    ("I'm away until 30 November.", "I'm away"),
    ("I will be on holiday until 1 December.", "I will be on holiday"),
    ("I am off sick this week.", "I am off sick"),
    ("Thank you for contacting me. This is an automated reply.", "This is an automated reply"),
    ("I am travelling with limited access to email this week.", "with limited access to email"),
    ("Thanks for your message, I will get back to you on my return.", "will get back to you on my return"),
])
def test_out_of_office_phrases(ctx, directory, text: str, quoted: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(with_body(text), directory)
    assert OutOfOffice().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"text: {quoted}",))]


def test_an_ordinary_enquiry_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ENQUIRY, directory)
    assert OutOfOffice().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_a_long_message_mentioning_annual_leave_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(LONG_CASEWORK, directory)
    text = state.message.new_text
    # The phrase is inside the window the rule reads; only the length says "a person wrote this".
    assert "I will be on annual leave" in text[:600] and len(text) >= 1500
    assert OutOfOffice().check(ctx, state) is False
    assert state.outcomes == [MISS]


@pytest.mark.parametrize("subject", [
    "Away days for the overview and scrutiny committee",  # "away from" is the cue, not "away"
    "Office opening hours over Christmas",
    "Reply needed: Streetlight out on Orchard Way",
])
def test_ordinary_subjects_are_misses(ctx, directory, subject: str) -> None:  # type: ignore[no-untyped-def]
    raw = ENQUIRY.replace(b"Subject: Streetlight out on Orchard Way", f"Subject: {subject}".encode())
    state = state_of(raw, directory)
    assert state.message.subject == subject
    assert OutOfOffice().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_an_enquiry_about_an_absence_of_something_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    raw = ENQUIRY.replace(b"Subject: Streetlight out on Orchard Way", b"Subject: Absence of street lighting on Orchard Way")
    state = state_of(raw, directory)
    assert OutOfOffice().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_a_typographic_apostrophe_is_still_out_of_office(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(with_body("Thank you for your email. I\u2019m on annual leave until Monday 23 November."), directory)
    assert OutOfOffice().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("text: I\u2019m on annual leave",))]

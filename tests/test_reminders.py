"""Reminders and escalations on working days only, across Christmas 2026, with frozen time.

A member's enquiry received on Christmas Eve 2026 (10:00) is due on Tuesday 5 January
2027 (section17, 5 working days: 29, 30, 31 Dec, 4 and 5 Jan — 25 and 28 Dec are bank
holidays, 26–27 Dec and 2–3 Jan weekends, 1 Jan New Year's Day). With a reminder one
working day before and escalation the first working day after, the reminder goes on
Monday 4 January and the escalation on Wednesday 6 January; nothing on any other day.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from freezegun import freeze_time

from bot.reminders import run_reminders
from bot.runner import poll_once
from tests.conftest import deliver, eml
from tests.rules.harness import cases, council_services, events, outbox

MEMBER = "cllr.jean.thirkettle@brackenford.gov.uk"
TEAM = "helen.ruddock@brackenford.gov.uk"  # Head of Democratic Services: the default route's mailbox
MANAGER = "stuart.lomax@brackenford.gov.uk"  # the director above her
ENQUIRY = eml(f"""\
    From: Cllr Jean Thirkettle <{MEMBER}>
    To: memberqueries@brackenford.gov.uk
    Subject: Ward walkabout dates
    Date: Thu, 24 Dec 2026 10:00:00 +0000
    Message-ID: <xmas-1@brackenford.gov.uk>

    Could you let me know the dates of the January ward walkabouts, please?
""")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)  # frozen by freezegun in the tests


@pytest.fixture
def services(config_dir, blank_detectors_factory):  # type: ignore[no-untyped-def]
    services, detectors = council_services(config_dir, blank_detectors_factory, clock=utcnow)
    detectors.inject("<xmas-1@brackenford.gov.uk>", enquiry=True)
    deliver(config_dir / "mailbox", ENQUIRY)
    with freeze_time("2026-12-24 10:05:00"):
        poll_once(services)
    [case] = cases(services)
    assert case.due == date(2027, 1, 5)
    return services


DAYS = [
    ("2026-12-24 16:00", 0),  # Thursday: far from due
    ("2026-12-25 09:00", 0),  # Christmas Day
    ("2026-12-26 09:00", 0),  # Saturday
    ("2026-12-27 09:00", 0),  # Sunday
    ("2026-12-28 09:00", 0),  # Boxing Day substitute: not a working day
    ("2026-12-31 09:00", 0),  # working day, but three working days before due
    ("2027-01-01 09:00", 0),  # New Year's Day
    ("2027-01-02 09:00", 0),  # Saturday
    ("2027-01-04 08:00", 1),  # Monday: one working day before due → reminder
    ("2027-01-04 15:00", 0),  # again the same day: at most once
    ("2027-01-05 09:00", 0),  # due day: already reminded
    ("2027-01-06 09:00", 1),  # first working day overdue → escalation
    ("2027-01-07 09:00", 0),  # at most once
    ("2027-01-09 09:00", 0),  # Saturday
    ("2027-01-11 09:00", 0),
]


def test_reminder_then_escalation_on_working_days_only(services) -> None:  # type: ignore[no-untyped-def]
    for moment, expected in DAYS:
        with freeze_time(moment):
            assert run_reminders(services) == expected, moment
    items = [i for i in outbox(services) if i.kind in ("reminder", "escalation")]
    assert [(i.kind, i.to_addr, i.delivery) for i in items] == [("reminder", TEAM, "draft"), ("escalation", MANAGER, "draft")]
    assert "Tuesday 5 January 2027" in items[0].body_text and "(in 1 working day)" in items[0].body_text
    assert "1 working day overdue" in " ".join(items[1].body_text.split())
    [case] = cases(services)
    assert case.reminded_at is not None and case.escalated_at is not None
    assert len(events(services, "reminder-queued")) == 1 and len(events(services, "escalation-queued")) == 1
    # The next poll cycle delivers them through the mailbox like any outbox item.
    with freeze_time("2027-01-11 09:05"):
        poll_once(services)
    assert all(i.status == "done" for i in outbox(services))


def test_an_answered_case_is_not_reminded(services, config_dir) -> None:  # type: ignore[no-untyped-def]
    folder = config_dir / "mailbox" / ".Sent" / "cur"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answer:2,S").write_bytes(eml(f"""\
        From: memberqueries@brackenford.gov.uk
        To: {MEMBER}
        Subject: RE: Ward walkabout dates
        Date: Tue, 29 Dec 2026 10:00:00 +0000
        Message-ID: <answer@brackenford.gov.uk>
        In-Reply-To: <xmas-1@brackenford.gov.uk>

        The walkabouts are on 12 and 26 January.
    """))
    with freeze_time("2026-12-29 10:30"):
        poll_once(services)
    for moment in ("2027-01-04 09:00", "2027-01-06 09:00"):
        with freeze_time(moment):
            assert run_reminders(services) == 0


def test_an_interim_reply_moves_the_clock_to_its_estimate(services, config_dir) -> None:  # type: ignore[no-untyped-def]
    folder = config_dir / "mailbox" / ".Sent" / "cur"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "interim:2,S").write_bytes(eml(f"""\
        From: memberqueries@brackenford.gov.uk
        To: {MEMBER}
        Subject: RE: Ward walkabout dates
        Date: Tue, 29 Dec 2026 10:00:00 +0000
        Message-ID: <interim@brackenford.gov.uk>
        In-Reply-To: <xmas-1@brackenford.gov.uk>

        This is an interim reply: the rota is being agreed and we will send you a full response by 12 January.
    """))
    with freeze_time("2026-12-29 10:30"):
        poll_once(services)
    [case] = cases(services)
    assert case.interim_estimate == date(2027, 1, 12)
    # section17: an explained acknowledgement stops the clock, so 4-6 January pass quietly ...
    for moment in ("2027-01-04 09:00", "2027-01-06 09:00"):
        with freeze_time(moment):
            assert run_reminders(services) == 0
    # ... and the estimate is what counts: reminded the day before, escalated the day after.
    with freeze_time("2027-01-11 09:00"):
        assert run_reminders(services) == 1
    with freeze_time("2027-01-13 09:00"):
        assert run_reminders(services) == 1
    assert [i.kind for i in outbox(services) if i.kind in ("reminder", "escalation")] == ["reminder", "escalation"]


def test_shadow_mode_holds_reminders(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, detectors = council_services(config_dir, blank_detectors_factory, clock=utcnow, mode="shadow")
    detectors.inject("<xmas-1@brackenford.gov.uk>", enquiry=True)
    deliver(config_dir / "mailbox", ENQUIRY)
    with freeze_time("2026-12-24 10:05:00"):
        poll_once(services)
    with freeze_time("2027-01-04 09:00"):
        assert run_reminders(services) == 1
    [item] = [i for i in outbox(services) if i.kind == "reminder"]
    assert (item.delivery, item.status) == ("none", "held")

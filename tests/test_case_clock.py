"""The case clock: officers' replies in the mailbox's Sent folder answer, pause or leave cases."""

from __future__ import annotations

import itertools
import os
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from bot.backends.maildir import MaildirMailbox
from bot.case_clock import sent_since
from bot.runner import poll_once
from storage.models import SeenMessage
from tests.conftest import deliver, eml
from tests.rules.harness import cases, council_services, events, fixed_clock

MEMBER = "cllr.sunita.bhogal@brackenford.gov.uk"
ENQUIRY = eml(f"""\
    From: Cllr Sunita Bhogal <{MEMBER}>
    To: memberqueries@brackenford.gov.uk
    Subject: Damp and mould at 14 Kiln Court
    Date: Mon, 16 Nov 2026 09:30:00 +0000
    Message-ID: <damp-1@brackenford.gov.uk>

    Could someone inspect the damp and mould at 14 Kiln Court, please? A child there has asthma.
""")


def sent(config_dir: Path, name: str, body: str, *, to: str = MEMBER, in_reply_to: str = "<damp-1@brackenford.gov.uk>",
         subject: str = "RE: Damp and mould at 14 Kiln Court", date_header: str = "Wed, 18 Nov 2026 11:00:00 +0000",
         mtime: float | None = None) -> Path:
    """An officer's reply as the mail client leaves it in the shared mailbox's Sent folder."""
    folder = config_dir / "mailbox" / ".Sent" / "cur"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}:2,S"
    path.write_bytes(eml(f"""\
        From: Member Queries <memberqueries@brackenford.gov.uk>
        To: {to}
        Subject: {subject}
        Date: {date_header}
        Message-ID: <{name}@brackenford.gov.uk>
        In-Reply-To: {in_reply_to}
        References: {in_reply_to}

        {body}
    """))
    # When it reached Sent: in the test's world (after the first poll at the harness clock's
    # 2026-11-23 12:00), a second apart in the order written, not the machine's own clock.
    mtime = mtime if mtime is not None else SENT_FROM + next(_SENT_ORDER)
    os.utime(path, (mtime, mtime))
    return path


SENT_FROM = datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc).timestamp()
_SENT_ORDER = itertools.count()


def opened(config_dir, blank_detectors_factory, **kw):  # type: ignore[no-untyped-def]
    services, detectors = council_services(config_dir, blank_detectors_factory, **kw)
    detectors.inject("<damp-1@brackenford.gov.uk>", enquiry=True)
    deliver(config_dir / "mailbox", ENQUIRY)
    poll_once(services)
    [case] = cases(services)
    assert case.status == "open" and case.due == date(2026, 11, 23)
    return services, detectors


def test_officer_reply_to_the_member_answers_the_case(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, _ = opened(config_dir, blank_detectors_factory)
    sent(config_dir, "reply-1", "Dear Cllr Bhogal, our surveyor inspected today and the works are booked for 1 December.")
    report = poll_once(services)
    assert report.clock_changes == 1
    [case] = cases(services)
    assert case.status == "answered"
    assert case.answered_at is not None and case.answered_at.replace(tzinfo=timezone.utc) == datetime(2026, 11, 18, 11, 0, tzinfo=timezone.utc)
    assert poll_once(services).clock_changes == 0  # read once


def test_matched_by_thread_not_by_subject(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, _ = opened(config_dir, blank_detectors_factory)
    sent(config_dir, "other", "Here is the answer.", in_reply_to="<something-else@brackenford.gov.uk>")
    poll_once(services)
    assert cases(services)[0].status == "open"  # same subject, other thread: not this case
    sent(config_dir, "renamed", "Done: the works are booked.", subject="Kiln Court works")
    poll_once(services)
    assert cases(services)[0].status == "answered"  # other subject, same thread


def test_reply_to_someone_else_does_not_answer(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, _ = opened(config_dir, blank_detectors_factory)
    sent(config_dir, "fwd", "Please could you inspect this property?", to="jodie.farrant@brackenford.gov.uk")
    poll_once(services)
    assert cases(services)[0].status == "open"
    assert events(services, "reply-not-to-member")


def test_interim_reply_records_its_estimate(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, _ = opened(config_dir, blank_detectors_factory)
    sent(config_dir, "interim", "This is an interim reply: the surveyor is booked and we expect to give you a full "
                                "response by Friday 27 November.")
    poll_once(services)
    [case] = cases(services)
    assert case.status == "open" and case.interim_at is not None and case.interim_estimate == date(2026, 11, 27)
    assert events(services, "case-interim")


def test_promise_with_a_date_is_an_interim_reply(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, _ = opened(config_dir, blank_detectors_factory)
    sent(config_dir, "promise", "Thank you. The housing team will get back to you within 5 working days.")
    poll_once(services)
    [case] = cases(services)
    assert case.status == "open" and case.interim_estimate == date(2026, 11, 25)


def test_our_own_automatic_mail_in_sent_is_ignored(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    # Live mode: the bot's own warning to the member (a resident was copied in) lands in .Sent.
    services, detectors = council_services(config_dir, blank_detectors_factory, mode="live")
    detectors.inject("<damp-1@brackenford.gov.uk>", enquiry=True)
    deliver(config_dir / "mailbox", ENQUIRY.replace(b"To: memberqueries", b"Cc: resident.one@gmail.com\nTo: memberqueries"))
    poll_once(services)
    assert any(p.name.endswith(".mqtriage.eml:2,S") for p in (config_dir / "mailbox" / ".Sent" / "cur").iterdir())
    poll_once(services)
    assert cases(services)[0].status == "open"


def test_member_writing_again_reopens_an_answered_case_with_a_new_due_date(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    services, detectors = opened(config_dir, blank_detectors_factory)
    sent(config_dir, "reply-1", "Our surveyor inspected today; works are booked for 1 December.")
    poll_once(services)
    assert cases(services)[0].status == "answered"
    follow_up = eml(f"""\
        From: Cllr Sunita Bhogal <{MEMBER}>
        To: memberqueries@brackenford.gov.uk
        Subject: RE: Damp and mould at 14 Kiln Court
        Date: Fri, 20 Nov 2026 10:40:00 +0000
        Message-ID: <damp-2@brackenford.gov.uk>
        In-Reply-To: <reply-1@brackenford.gov.uk>

        Thank you. Could the family borrow a dehumidifier until the works are done?
    """)
    detectors.inject("<damp-2@brackenford.gov.uk>", enquiry=True)
    deliver(config_dir / "mailbox", follow_up)
    poll_once(services)
    [case] = cases(services)  # found through the recorded officer reply: still one case
    assert case.status == "open" and case.answered_at is None and case.due == date(2026, 11, 27)
    assert events(services, "case-reopened")


def test_fetch_sent_cursor_reads_each_item_once(config_dir) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import write_config

    write_config(config_dir)
    box = MaildirMailbox(config_dir / "mailbox", "memberqueries@brackenford.gov.uk")
    assert box.fetch_sent(None, 10).items == []
    sent(config_dir, "a", "one", mtime=1_000_000)
    sent(config_dir, "b", "two", mtime=1_000_001)
    first = box.fetch_sent(None, 1)
    assert [i.backend_id for i in first.items] == [".Sent/a"] and first.more
    second = box.fetch_sent(first.cursor, 10)
    assert [i.backend_id for i in second.items] == [".Sent/b"] and not second.more
    assert box.fetch_sent(second.cursor, 10).items == []


def test_sent_mail_from_before_the_bot_was_enabled_is_not_read(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    # Enabled early on the Monday, with mail already in the mailbox only recorded (the default):
    # cases open only for mail received since, so older sent mail can answer none of them.
    services, detectors = council_services(config_dir, blank_detectors_factory, on_first_start="record",
                                           clock=fixed_clock(datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)))
    poll_once(services)
    assert sent_since(services) == datetime(2026, 11, 15, 8, 0, tzinfo=timezone.utc)
    detectors.inject("<damp-1@brackenford.gov.uk>", enquiry=True)
    deliver(config_dir / "mailbox", ENQUIRY)  # received at 09:30
    poll_once(services)
    assert [c.status for c in cases(services)] == ["open"]
    # Years of Sent history, one of it in this very thread: never read, never recorded.
    sent(config_dir, "history", "An old reply.", mtime=datetime(2024, 3, 1, tzinfo=timezone.utc).timestamp())
    assert poll_once(services).clock_changes == 0
    assert cases(services)[0].status == "open"
    with services.store.session() as s:
        assert s.scalar(select(func.count()).select_from(SeenMessage).where(SeenMessage.direction == "out")) == 0
    sent(config_dir, "reply-1", "Dear Cllr Bhogal, the works are booked for 1 December.")
    assert poll_once(services).clock_changes == 1
    assert cases(services)[0].status == "answered"


def test_with_the_backlog_processed_all_sent_mail_is_read(config_dir, blank_detectors_factory) -> None:  # type: ignore[no-untyped-def]
    # "process": mail already there opens cases of its own, which older replies may answer.
    services, _ = opened(config_dir, blank_detectors_factory)
    assert services.config.mailbox.on_first_start == "process" and sent_since(services) is None
    sent(config_dir, "old-reply", "Dear Cllr Bhogal, the works are booked.", mtime=datetime(2026, 11, 17, 10, 0, tzinfo=timezone.utc).timestamp())
    assert poll_once(services).clock_changes == 1  # sent days before the bot was enabled

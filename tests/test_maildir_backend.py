"""The Maildir backend against the Mailbox contract."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.backends.base import BackendError, Mailbox, Outgoing
from bot.backends.maildir import MaildirMailbox
from tests.conftest import deliver, member_enquiry


@pytest.fixture
def box(tmp_path: Path) -> MaildirMailbox:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "mb" / sub).mkdir(parents=True)
    return MaildirMailbox(tmp_path / "mb", "memberqueries@brackenford.gov.uk")


def test_implements_the_interface(box: MaildirMailbox) -> None:
    assert isinstance(box, Mailbox)


def test_not_a_maildir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="not a Maildir"):
        MaildirMailbox(tmp_path, "x@y.z")


def test_fetch_mark_and_fetch_again(box: MaildirMailbox) -> None:
    a = deliver(box.path, member_enquiry(1))
    b = deliver(box.path, member_enquiry(2))
    (box.path / "cur" / ".gitkeep").write_text("")
    batch = box.fetch_new(None, 10)
    assert sorted(i.backend_id for i in batch.items) == sorted([a, b])
    box.mark_processed(a)
    assert [i.backend_id for i in box.fetch_new(None, 10).items] == [b]
    assert box.fetch_one(a).raw == member_enquiry(1)  # content unchanged by marking
    keywords = (box.path / "dovecot-keywords").read_text()
    assert "$MQProcessed" in keywords


def test_batch_limit_reports_more(box: MaildirMailbox) -> None:
    for n in range(5):
        deliver(box.path, member_enquiry(n))
    batch = box.fetch_new(None, 2)
    assert len(batch.items) == 2 and batch.more


def test_drafts_are_real_eml_files_and_found_by_key(box: MaildirMailbox) -> None:
    item = Outgoing(key="k1", from_addr="memberqueries@brackenford.gov.uk", to="cllr.a@brackenford.gov.uk",
                    subject="Re: lights", text="Thank you", html="<p>Thank you</p>", in_reply_to="<m1@x>", references="<m1@x>")
    assert box.find_outgoing("k1") is None
    ref = box.create_draft(item)
    assert box.find_outgoing("k1") == ref
    assert box.create_draft(item) == ref  # never a second copy
    files = list((box.path / ".Drafts" / "cur").iterdir())
    assert len(files) == 1 and files[0].name.endswith(":2,DS")
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["To"] == "cllr.a@brackenford.gov.uk"
    assert msg["In-Reply-To"] == "<m1@x>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["X-MQ-Idempotency-Key"] == "k1"


def test_send_writes_to_sent(box: MaildirMailbox) -> None:
    item = Outgoing(key="k2", from_addr="memberqueries@brackenford.gov.uk", to="cllr.a@brackenford.gov.uk", subject="s", text="t")
    ref = box.send(item)
    assert ref.startswith(".Sent/")


def test_quarantine_flags_and_hides(box: MaildirMailbox) -> None:
    a = deliver(box.path, member_enquiry(1))
    box.quarantine(a)
    assert box.fetch_new(None, 10).items == []
    assert "F" in box._box.get_message(a).get_flags()


def test_fetch_sent_skips_files_from_before_the_bot_was_enabled(box: MaildirMailbox) -> None:
    folder = box.path / ".Sent" / "cur"
    folder.mkdir(parents=True)
    for name, when in (("old", datetime(2024, 3, 1, tzinfo=timezone.utc)), ("new", datetime(2026, 11, 20, tzinfo=timezone.utc))):
        path = folder / f"{name}:2,S"
        path.write_bytes(f"From: officer@brackenford.gov.uk\nSubject: {name}\n\nDone.\n".encode())
        os.utime(path, (when.timestamp(), when.timestamp()))
    batch = box.fetch_sent(None, 50, since=datetime(2026, 11, 19, tzinfo=timezone.utc))
    assert [i.backend_id for i in batch.items] == [".Sent/new"]
    assert [i.backend_id for i in box.fetch_sent(None, 50).items] == [".Sent/old", ".Sent/new"]  # no since: all of it

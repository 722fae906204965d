"""ImapMailbox against a real Dovecot, SMTP against a real aiosmtpd."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from imapclient import IMAPClient

from bot.backends.base import AuthenticationFailed, BackendError, Outgoing, TransientBackendError
from bot.backends.imap import KEYWORD, QUARANTINE_KEYWORD, SENDING_KEYWORD, ImapMailbox
from bot.outgoing import KEY_HEADER, build_mime

from .conftest import IMAP_PASSWORD_ENV, MAILBOX, MEMBER, drain, plain
from .mq_servers import PASSWORD


def _client(dovecot, user: str) -> IMAPClient:  # type: ignore[no-untyped-def]
    c = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
    c.login(user, PASSWORD)
    return c


def _outgoing(key: str = "k" * 40, to: str = MEMBER) -> Outgoing:
    return Outgoing(key=key, from_addr=MAILBOX, to=to, subject="Re: Pothole [MQ-2026-00001]", text="Thank you.",
                    in_reply_to="<pothole-1@brackenford.gov.uk>", references="<pothole-1@brackenford.gov.uk>")


def test_empty_poll_then_new_mail_then_nothing(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    first = imap_mailbox.fetch_new(None, 50)
    assert first.items == [] and first.cursor and first.cursor.startswith("imap1:")
    for n in range(3):
        dovecot.deliver(plain(n), user=imap_user)
    batch = imap_mailbox.fetch_new(first.cursor, 50)
    assert [i.raw.split(b"Subject: ")[1].split(b"\r\n")[0] for i in batch.items] == [b"message 0", b"message 1", b"message 2"]
    assert all(isinstance(i.received, datetime) and i.received.tzinfo for i in batch.items)
    assert not batch.more and not batch.resync
    again = imap_mailbox.fetch_new(batch.cursor, 50)
    assert again.items == [] and again.cursor == batch.cursor


def test_paging_with_limit(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    for n in range(5):
        dovecot.deliver(plain(n), user=imap_user)
    items, _, pages = drain(imap_mailbox.fetch_new, limit=2)
    seen = [i.backend_id for i in items]
    assert len(seen) == len(set(seen)) == 5 and pages == 3


def test_mark_processed_sets_keyword_and_is_not_fetched_again(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    dovecot.deliver(plain(1), user=imap_user)
    dovecot.deliver(plain(2), user=imap_user)
    batch = imap_mailbox.fetch_new(None, 50)
    imap_mailbox.mark_processed(batch.items[0].backend_id)
    c = _client(dovecot, imap_user)
    c.select_folder("INBOX", readonly=True)
    flags = c.get_flags(c.search("ALL"))
    assert [KEYWORD.encode() in f for f in flags.values()] == [True, False]
    assert all(b"\\Seen" not in f for f in flags.values()), "reading must not mark mail as read for the people using the mailbox"
    c.logout()
    # Without a cursor (first start, or a lost database) processed mail is skipped.
    assert [i.backend_id for i in imap_mailbox.fetch_new(None, 50).items] == [batch.items[1].backend_id]


def test_uidvalidity_change_resyncs(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    c = _client(dovecot, imap_user)
    c.create_folder("Queries")
    c.append("Queries", plain(1))
    box = ImapMailbox(address=MAILBOX, host="127.0.0.1", port=dovecot.port, tls="none", username=imap_user,
                      password_env=IMAP_PASSWORD_ENV, folder="Queries")
    old = box.fetch_new(None, 50)
    assert len(old.items) == 1
    box.close()
    c.delete_folder("Queries")  # recreated folder ⇒ new UIDVALIDITY, UIDs start at 1 again
    c.create_folder("Queries")
    c.append("Queries", plain(1))
    c.append("Queries", plain(2))
    c.logout()
    batch = box.fetch_new(old.cursor, 50)
    assert batch.resync and len(batch.items) == 2
    assert old.items[0].backend_id not in {i.backend_id for i in batch.items}, "a reused UID must not look like a message already handled"
    with pytest.raises(BackendError, match="has gone"):
        box.mark_processed(old.items[0].backend_id)
    box.close()


def test_quarantine_flags_and_moves(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    dovecot.deliver(plain(1), user=imap_user)
    item = imap_mailbox.fetch_new(None, 50).items[0]
    imap_mailbox.quarantine(item.backend_id)
    c = _client(dovecot, imap_user)
    assert c.select_folder("INBOX")[b"EXISTS"] == 0
    c.select_folder("Quarantine")
    flags = list(c.get_flags(c.search("ALL")).values())
    assert len(flags) == 1 and QUARANTINE_KEYWORD.encode() in flags[0] and b"\\Flagged" in flags[0]
    c.logout()


def test_draft_is_appended_once_with_key(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    item = _outgoing()
    assert imap_mailbox.find_outgoing(item.key) is None
    ref = imap_mailbox.create_draft(item)
    assert ref.startswith("Drafts:")
    assert imap_mailbox.find_outgoing(item.key) == ref
    assert imap_mailbox.create_draft(item) == ref  # exactly once
    c = _client(dovecot, imap_user)
    c.select_folder("Drafts", readonly=True)
    uids = c.search("ALL")
    assert len(uids) == 1
    data = c.fetch(uids, ["FLAGS", "BODY.PEEK[]"])[uids[0]]
    assert b"\\Draft" in data[b"FLAGS"]
    assert f"{KEY_HEADER}: {item.key}".encode() in data[b"BODY[]"]
    assert f"To: {MEMBER}".encode() in data[b"BODY[]"]
    c.logout()


def test_send_submits_to_one_recipient_and_keeps_sent_copy(imap_mailbox: ImapMailbox, smtp_sink, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    item = _outgoing()
    ref = imap_mailbox.send(item)
    assert ref.startswith("Sent:")
    assert len(smtp_sink.messages) == 1
    sender, rcpts, msg = smtp_sink.messages[0]
    assert sender == MAILBOX and rcpts == [MEMBER]
    assert msg[KEY_HEADER] == item.key and msg["Auto-Submitted"] == "auto-replied"
    assert imap_mailbox.find_outgoing(item.key) == ref
    assert imap_mailbox.send(item) == ref and len(smtp_sink.messages) == 1
    c = _client(dovecot, imap_user)
    c.select_folder("Sent", readonly=True)
    flags = list(c.get_flags(c.search("ALL")).values())
    assert len(flags) == 1 and SENDING_KEYWORD.encode() not in flags[0]
    c.logout()


def test_send_interrupted_by_busy_relay_is_resubmitted_once(imap_mailbox: ImapMailbox, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    item = _outgoing()
    smtp_sink.reject_with = "451 4.3.0 Try again later"
    with pytest.raises(TransientBackendError):
        imap_mailbox.send(item)
    assert imap_mailbox.find_outgoing(item.key) is None, "an unconfirmed Sent copy does not count as delivered"
    smtp_sink.reject_with = None
    ref = imap_mailbox.send(item)
    assert len(smtp_sink.messages) == 1
    assert imap_mailbox.find_outgoing(item.key) == ref


def test_send_refused_for_good_removes_the_sent_copy(imap_mailbox: ImapMailbox, smtp_sink) -> None:  # type: ignore[no-untyped-def]
    item = _outgoing()
    smtp_sink.reject_with = "554 5.7.1 Rejected"
    with pytest.raises(BackendError) as info:
        imap_mailbox.send(item)
    assert not isinstance(info.value, TransientBackendError)
    smtp_sink.reject_with = None
    assert imap_mailbox.find_outgoing(item.key) is None
    imap_mailbox.send(item)
    assert len(smtp_sink.messages) == 1


def test_wrong_password_fails_fast(dovecot, imap_user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(IMAP_PASSWORD_ENV, "wrong")
    box = ImapMailbox(address=MAILBOX, host="127.0.0.1", port=dovecot.port, tls="none", username=imap_user, password_env=IMAP_PASSWORD_ENV)
    with pytest.raises(AuthenticationFailed, match="refused"):
        box.fetch_new(None, 10)
    monkeypatch.delenv(IMAP_PASSWORD_ENV)
    with pytest.raises(AuthenticationFailed, match=IMAP_PASSWORD_ENV):
        box.fetch_new(None, 10)


def test_plain_text_refused_off_loopback() -> None:
    with pytest.raises(BackendError, match="loopback"):
        ImapMailbox(address=MAILBOX, host="imap.example.org", port=143, tls="none", username="u", password_env="X")


def test_dropped_connection_is_transient_then_reconnects(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    cursor = imap_mailbox.fetch_new(None, 10).cursor
    imap_mailbox._client.shutdown()  # type: ignore[union-attr]  # the server or a NAT box drops us
    with pytest.raises(TransientBackendError):
        imap_mailbox.fetch_new(cursor, 10)
    dovecot.deliver(plain(7), user=imap_user)
    assert len(imap_mailbox.fetch_new(cursor, 10).items) == 1


def test_outgoing_written_by_another_process_is_found(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    other = ImapMailbox(address=MAILBOX, host="127.0.0.1", port=dovecot.port, tls="none", username=imap_user, password_env=IMAP_PASSWORD_ENV)
    first = other.create_draft(_outgoing("c" * 40))
    assert imap_mailbox.find_outgoing("c" * 40) == first, "a fresh process scans Drafts once"
    second = other.create_draft(_outgoing("d" * 40))  # written after our index was built
    assert imap_mailbox.find_outgoing("d" * 40) == second, "new UIDs are scanned incrementally"
    assert imap_mailbox.create_draft(_outgoing("d" * 40)) == second
    other.close()


def test_uidvalidity_change_through_the_runner_does_not_answer_again(dovecot, imap_user, tmp_path, detector_cache) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta, timezone

    from bot.backends.factory import open_mailbox
    from bot.backends.retry import FAIL_FAST
    from bot.config import load_config
    from bot.runner import poll_once

    from .conftest import enquiry, services_for, write_config

    c = _client(dovecot, imap_user)
    c.create_folder("Queries")
    section = f"""
        host = "127.0.0.1"
        port = {dovecot.port}
        tls = "none"
        username = "{imap_user}"
        password_env = "{IMAP_PASSWORD_ENV}"
        folder = "Queries"
    """
    path = write_config(tmp_path, "imap", section)
    enabled_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    services = services_for(path, open_mailbox(load_config(path), FAIL_FAST), detector_cache, clock=lambda: enabled_at)
    poll_once(services)
    c.append("Queries", enquiry())
    assert poll_once(services).delivered == 2
    services.mailbox.close()
    c.delete_folder("Queries")  # e.g. the folder was restored from a backup: new UIDVALIDITY
    c.create_folder("Queries")
    c.append("Queries", enquiry())
    c.logout()
    report = poll_once(services)
    assert report.fetched == 1 and report.delivered == 0 and report.skipped == 1
    assert len(services.store.outbox(services.mailbox_name)) == 2
    services.mailbox.close()


def test_fetch_sent_reads_officers_replies_not_ours_and_leaves_the_inbox_selected(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    c = _client(dovecot, imap_user)
    if not c.folder_exists("Sent"):
        c.create_folder("Sent")
    reply = (b"From: Rob Kettlewell <rob.kettlewell@brackenford.gov.uk>\r\nTo: cllr.jean.thirkettle@brackenford.gov.uk\r\n"
             b"Subject: RE: Pothole\r\nMessage-ID: <reply-1@brackenford.gov.uk>\r\nIn-Reply-To: <pothole-1@brackenford.gov.uk>\r\n\r\nFixed on Tuesday.\r\n")
    c.append("Sent", reply, flags=[b"\\Seen"])
    c.logout()
    imap_mailbox.create_draft(_outgoing())  # ours goes to Drafts; put a keyed copy in Sent too
    c = _client(dovecot, imap_user)
    c.append("Sent", bytes(build_mime(_outgoing("s" * 40))), flags=[b"\\Seen"])
    c.logout()
    first = imap_mailbox.fetch_sent(None, 50)
    assert [i.raw for i in first.items] == [reply]
    assert first.items[0].backend_id.startswith("sent:")
    imap_mailbox.fetch_new(None, 50)  # the inbox selected again
    again = imap_mailbox.fetch_sent(first.cursor, 50)
    assert again.items == [] and again.cursor == first.cursor
    assert imap_mailbox._selected == imap_mailbox.folder, "an idle sent-mail check must not re-select"


def test_fetch_sent_never_fetches_mail_from_before_the_bot_was_enabled(imap_mailbox: ImapMailbox, dovecot, imap_user) -> None:  # type: ignore[no-untyped-def]
    c = _client(dovecot, imap_user)
    if not c.folder_exists("Sent"):
        c.create_folder("Sent")
    def reply(n: int) -> bytes:
        return (f"From: Rob Kettlewell <rob.kettlewell@brackenford.gov.uk>\r\nTo: cllr.jean.thirkettle@brackenford.gov.uk\r\n"
                f"Subject: RE: Pothole {n}\r\nMessage-ID: <reply-{n}@brackenford.gov.uk>\r\n\r\nFixed.\r\n").encode()
    c.append("Sent", reply(1), flags=[b"\\Seen"], msg_time=datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc))  # history
    c.append("Sent", reply(2), flags=[b"\\Seen"], msg_time=datetime(2026, 11, 20, 11, 0, tzinfo=timezone.utc))
    c.logout()
    since = datetime(2026, 11, 19, 9, 0, tzinfo=timezone.utc)
    first = imap_mailbox.fetch_sent(None, 50, since=since)
    assert [i.raw for i in first.items] == [reply(2)]
    # Only history left after a page: the cursor still moves past it, so the next poll is a STATUS.
    c = _client(dovecot, imap_user)
    c.append("Sent", reply(3), flags=[b"\\Seen"], msg_time=datetime(2023, 1, 5, 10, 0, tzinfo=timezone.utc))
    c.logout()
    imap_mailbox.fetch_new(None, 50)  # as in a poll: the inbox is selected again before the sent-mail check
    second = imap_mailbox.fetch_sent(first.cursor, 50, since=since)
    assert second.items == [] and second.cursor != first.cursor
    assert imap_mailbox.fetch_sent(second.cursor, 50, since=since).cursor == second.cursor

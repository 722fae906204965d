"""EwsMailbox through real exchangelib (and msal for OAuth) against the EWS SOAP fake."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from bot.backends.base import AuthenticationFailed, Outgoing, PermissionDenied, TransientBackendError
from bot.parse import parse_message

from .conftest import MAILBOX, MEMBER, RESIDENT, drain, enquiry, ews_mailbox, ews_tokens, officer_reply, plain


def _outgoing(key: str = "b2" * 20) -> Outgoing:
    return Outgoing(key=key, from_addr=MAILBOX, to=MEMBER, subject="Re: Pothole [MQ-2026-00001]", text="Thank you.",
                    html="<p>Thank you.</p>", in_reply_to="<pothole-1@brackenford.gov.uk>", references="<pothole-1@brackenford.gov.uk>")


def test_sync_pages_with_the_sync_state_as_cursor(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    ids = [ews_fake.deliver(plain(n)) for n in range(5)]
    seen, cursor, pages = drain(box.fetch_new, limit=2)
    assert pages == 3 and sorted(i.backend_id for i in seen) == sorted(ids)
    assert parse_message(seen[0].raw, seen[0].backend_id).subject.startswith("message ")
    assert all(i.received is not None and i.received.tzinfo for i in seen)
    assert box.fetch_new(cursor, 10).items == []


def test_processed_category_keeps_a_persons_categories_and_is_not_refetched(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    mid = ews_fake.deliver(plain(1), categories=["Blue category"])
    batch = box.fetch_new(None, 10)
    box.mark_processed(mid)
    box.mark_processed(mid)
    assert ews_fake.items[mid].categories == ["Blue category", "MQ Processed"]
    assert ews_fake.operations().count("UpdateItem") == 1
    assert box.fetch_new(batch.cursor, 10).items == [], "the sync reports our own update; it is not new mail"


def test_invalid_sync_state_resyncs(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    done = ews_fake.deliver(plain(1))
    cursor = box.fetch_new(None, 10).cursor
    box.mark_processed(done)
    fresh = ews_fake.deliver(plain(2))
    ews_fake.expire_sync_state()
    batch = box.fetch_new(cursor, 10)
    assert batch.resync and [i.backend_id for i in batch.items] == [fresh]


def test_server_busy_with_short_back_off_is_retried_by_exchangelib(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake, max_wait=2)
    box.fetch_new(None, 10)
    ews_fake.busy.append(150)  # ErrorServerBusy, BackOffMilliseconds=150
    ews_fake.deliver(plain(1))
    assert len(box.fetch_new(None, 10).items) == 1


def test_server_busy_beyond_max_wait_fails_fast_as_transient(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake, max_wait=1)
    box.fetch_new(None, 10)
    ews_fake.busy.append(297749)  # the value in Microsoft's example fault
    started = time.monotonic()
    with pytest.raises(TransientBackendError) as info:
        box.fetch_new(None, 10)
    assert time.monotonic() - started < 3
    assert info.value.retry_after and info.value.retry_after > 290


def test_wrong_password_fails_at_once_not_treated_as_busy(ews_fake) -> None:  # type: ignore[no-untyped-def]
    ews_fake.basic = ("BRACKENFORD\\svc-mqtriage", "changed-by-someone")
    box = ews_mailbox(ews_fake, max_wait=30)  # exchangelib alone would back off for up to 30 s
    started = time.monotonic()
    with pytest.raises(AuthenticationFailed):
        box.fetch_new(None, 10)
    assert time.monotonic() - started < 3
    assert ews_fake.operations().count("401") == 1


def test_oauth_token_from_msal_is_cached_and_impersonation_sent(graph_fake, ews_oauth_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_oauth_fake, tokens=ews_tokens(graph_fake, tls))
    ews_oauth_fake.deliver(plain(1))
    batch = box.fetch_new(None, 10)
    box.mark_processed(batch.items[0].backend_id)
    box.fetch_new(batch.cursor, 10)
    assert graph_fake.token_requests == 1
    _, request = ews_oauth_fake.requests[-1]
    assert request.headers["x-anchormailbox"] == MAILBOX
    assert b"<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>memberqueries@brackenford.gov.uk" in request.body


def test_oauth_token_rejected_early_is_renewed_once(graph_fake, ews_oauth_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_oauth_fake, tokens=ews_tokens(graph_fake, tls), max_wait=30)
    box.fetch_new(None, 10)
    ews_oauth_fake.reject_tokens.update(graph_fake.tokens)  # expired or revoked server-side
    assert box.fetch_new(None, 10).items == []
    assert graph_fake.token_requests == 2


def test_oauth_revoked_credential_fails_fast(graph_fake, ews_oauth_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_oauth_fake, tokens=ews_tokens(graph_fake, tls), max_wait=30)
    box.fetch_new(None, 10)
    ews_oauth_fake.reject_tokens.update(graph_fake.tokens)
    graph_fake.credential_revoked = True
    started = time.monotonic()
    with pytest.raises(AuthenticationFailed, match="AADSTS7000222"):
        box.fetch_new(None, 10)
    assert time.monotonic() - started < 3


def test_impersonation_refused_is_permission_denied(ews_fake) -> None:  # type: ignore[no-untyped-def]
    ews_fake.mailbox = "someone.else@brackenford.gov.uk"  # the service account may impersonate only that mailbox
    with pytest.raises(PermissionDenied, match="Impersonat"):
        ews_mailbox(ews_fake).fetch_new(None, 10)


def test_draft_to_the_member_only_made_once(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    ews_fake.deliver(enquiry())
    item = _outgoing()
    assert box.find_outgoing(item.key) is None
    ref = box.create_draft(item)
    (draft,) = ews_fake.in_folder("drafts")
    assert draft.id == ref and draft.is_draft and draft.to == [MEMBER] and draft.props["cc"] == ""
    assert RESIDENT not in draft.body
    assert draft.props["internetheaders/x-mq-idempotency-key"] == item.key
    assert draft.props["internetheaders/auto-submitted"] == "auto-replied"
    assert draft.in_reply_to == "<pothole-1@brackenford.gov.uk>"
    assert box.find_outgoing(item.key) == ref and box.create_draft(item) == ref
    assert len(ews_fake.in_folder("drafts")) == 1


def test_send_and_save_copy_once(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    item = _outgoing()
    box.send(item)
    assert [s.to for s in ews_fake.sent] == [[MEMBER]]
    ref = box.find_outgoing(item.key)
    assert ref is not None and ews_fake.items[ref].folder == "folder-sentitems"
    box.send(item)
    assert len(ews_fake.sent) == 1


def test_quarantine_categorises_and_moves_to_a_created_folder(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    first, second = ews_fake.deliver(plain(1)), ews_fake.deliver(plain(2))
    box.fetch_new(None, 10)
    box.quarantine(first)
    box.quarantine(second)
    moved = ews_fake.in_folder("Quarantine")
    assert len(moved) == 2 and all("MQ Quarantined" in m.categories for m in moved)
    assert ews_fake.operations().count("CreateFolder") == 1


def test_fetch_sent_reads_officers_replies_not_our_own_mail(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    ews_fake.deliver(officer_reply(1), folder="sentitems", received="2026-11-20T10:00:00Z")
    box.send(_outgoing())  # our acknowledgement, saved in Sent Items with its key property
    ews_fake.deliver(officer_reply(2), folder="sentitems", received="2026-11-20T11:00:00Z")
    assert len(ews_fake.in_folder("sentitems")) == 3
    items, cursor, pages = drain(box.fetch_sent, limit=1)
    assert pages == 3
    assert [parse_message(i.raw, i.backend_id).subject for i in items] == ["Re: Pothole 1", "Re: Pothole 2"]
    assert items[0].received is not None and items[0].received.hour == 10  # when it was sent
    assert box.fetch_sent(cursor, 50).items == []
    ews_fake.deliver(officer_reply(3), folder="sentitems")
    assert [parse_message(i.raw, i.backend_id).subject for i in box.fetch_sent(cursor, 50).items] == ["Re: Pothole 3"]
    assert box.fetch_new(None, 50).items == []  # the inbox's own state: sent mail is not new mail


def test_fetch_sent_skips_mail_from_before_the_bot_was_enabled_without_downloading_it(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    old = ews_fake.deliver(officer_reply(1), folder="sentitems", received="2024-03-01T10:00:00Z")
    ews_fake.deliver(officer_reply(2), folder="sentitems", received="2026-11-20T11:00:00Z")
    items, _, _ = drain(lambda c, n: box.fetch_sent(c, n, since=datetime(2026, 11, 19, 9, 0, tzinfo=timezone.utc)))
    assert [parse_message(i.raw, i.backend_id).subject for i in items] == ["Re: Pothole 2"]
    downloads = [req.body for op, req in ews_fake.requests if op == "GetItem"]
    assert downloads and not any(old.encode() in body for body in downloads)


def test_fetch_sent_restarts_when_the_sync_state_expires(ews_fake) -> None:  # type: ignore[no-untyped-def]
    box = ews_mailbox(ews_fake)
    ews_fake.deliver(officer_reply(1), folder="sentitems")
    first = box.fetch_sent(None, 50)
    ews_fake.expire_sync_state()
    again = box.fetch_sent(first.cursor, 50)
    assert again.resync and [parse_message(i.raw, i.backend_id).subject for i in again.items] == ["Re: Pothole 1"]

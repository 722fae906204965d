"""GraphMailbox through real msal and httpx against the Graph/Entra protocol fake (HTTPS)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.backends.base import AuthenticationFailed, Outgoing, PermissionDenied, TransientBackendError
from bot.backends.graph import KEY_PROP, STATE_PROP
from bot.backends.msauth import client_credential
from bot.backends.retry import RetryPolicy
from bot.parse import parse_message

from .conftest import GRAPH_SECRET_ENV, MAILBOX, MEMBER, RESIDENT, drain, enquiry, graph_mailbox, officer_reply, plain


def _outgoing(key: str = "a1" * 20, reply_to: str | None = None) -> Outgoing:
    return Outgoing(key=key, from_addr=MAILBOX, to=MEMBER, subject="Re: Pothole [MQ-2026-00001]", text="Thank you.",
                    html="<p>Thank you.</p>", reply_to_backend_id=reply_to)


def test_certificate_auth_token_is_cached_and_every_request_prefers_immutable_ids(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    graph_fake.deliver(plain(1))
    items, cursor, _ = drain(box.fetch_new)
    box.fetch_new(cursor, 50)
    box.mark_processed(items[0].backend_id)
    assert graph_fake.token_requests == 1, "one msal app, one token, reused from its cache"
    graph_calls = [r for r in graph_fake.requests if r.path.startswith("/v1.0/")]
    assert len(graph_calls) >= 4
    assert all('IdType="ImmutableId"' in r.headers["prefer"] for r in graph_calls)
    delta = next(r for r in graph_calls if r.path.endswith("/messages/delta"))
    for prop in ("internetMessageHeaders", "uniqueBody", "conversationId", "receivedDateTime", "categories"):
        assert prop in delta.query["$select"]


def test_client_secret_from_environment(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    credential = client_credential(certificate_path=None, certificate_thumbprint="", certificate_password_env="",
                                   client_secret_env=GRAPH_SECRET_ENV, section="mailbox.graph")
    assert graph_mailbox(graph_fake, tls, credential=credential).fetch_new(None, 10).items == []


def test_wrong_secret_and_unknown_certificate_fail_fast_with_aadsts_hint(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AuthenticationFailed, match=r"AADSTS7000215.*Value, not its ID"):
        graph_mailbox(graph_fake, tls, credential="wrong").fetch_new(None, 10)
    unknown = client_credential(certificate_path=tls.other_app_pem, certificate_thumbprint="", certificate_password_env="",
                                client_secret_env="", section="mailbox.graph")
    with pytest.raises(AuthenticationFailed, match=r"AADSTS700027.*not \(or no longer\) registered"):
        graph_mailbox(graph_fake, tls, credential=unknown).fetch_new(None, 10)
    assert graph_fake.token_requests == 2, "no retries against a refused credential"


def test_delta_paging_returns_each_message_once_then_nothing(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls, page_size=2)
    ids = [graph_fake.deliver(plain(n)) for n in range(5)]
    items, cursor, pages = drain(box.fetch_new)
    assert pages == 3 and sorted(i.backend_id for i in items) == sorted(ids)
    assert all(i.received is not None and i.received.tzinfo for i in items)
    assert parse_message(items[0].raw, items[0].backend_id).subject.startswith("message ")
    assert "$deltatoken" in cursor
    again = box.fetch_new(cursor, 50)
    assert again.items == [] and not again.more


def test_processed_category_is_set_and_the_change_is_not_refetched(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    mid = graph_fake.deliver(plain(1), categories=["Red category"])
    items, cursor, _ = drain(box.fetch_new)
    box.mark_processed(mid)
    assert graph_fake.messages[mid].categories == ["Red category", "MQ Processed"], "a person's categories are kept"
    box.mark_processed(mid)  # already there: no second PATCH
    assert sum(1 for r in graph_fake.requests if r.method == "PATCH") == 1
    batch = box.fetch_new(cursor, 50)
    assert batch.items == [], "delta reports our own category change; it must not look like new mail"


def test_410_sync_state_not_found_restarts_with_resync(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    done = graph_fake.deliver(plain(1))
    _, cursor, _ = drain(box.fetch_new)
    box.mark_processed(done)
    fresh = graph_fake.deliver(plain(2))
    graph_fake.expire_sync_state()
    batch = box.fetch_new(cursor, 50)
    assert batch.resync and [i.backend_id for i in batch.items] == [fresh]
    assert any(r.query.get("$deltatoken") for r in graph_fake.requests) and batch.cursor


def test_429_retry_after_is_honoured_by_the_policy(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    policy = RetryPolicy(max_attempts=3, base_delay=1, max_delay=30, ceiling=60, sleep=waits.append)
    box = graph_mailbox(graph_fake, tls, retry=policy)
    graph_fake.fail("GET", r"/messages/delta$", 429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", {"Retry-After": "7"})
    assert box.fetch_new(None, 10).items == []
    assert waits == [7.0]


def test_429_fails_fast_in_tests_and_gives_up_when_asked_to_wait_too_long(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    graph_fake.fail("GET", r"/messages/delta$", 429, "ApplicationThrottled", headers={"Retry-After": "12"})
    with pytest.raises(TransientBackendError) as info:
        graph_mailbox(graph_fake, tls).fetch_new(None, 10)
    assert info.value.retry_after == 12.0
    waits: list[float] = []
    graph_fake.fail("GET", r"/messages/delta$", 429, "ApplicationThrottled", headers={"Retry-After": "300"})
    with pytest.raises(TransientBackendError):
        graph_mailbox(graph_fake, tls, retry=RetryPolicy(max_attempts=5, max_delay=60, sleep=waits.append)).fetch_new(None, 10)
    assert waits == [], "a wait longer than max_delay ends the cycle instead of blocking it"


def test_503_backs_off_exponentially_up_to_the_attempt_limit(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    graph_fake.fail("GET", r"/messages/delta$", 503, "ServiceUnavailable", times=5)
    with pytest.raises(TransientBackendError):
        graph_mailbox(graph_fake, tls, retry=RetryPolicy(max_attempts=3, base_delay=2, sleep=waits.append)).fetch_new(None, 10)
    assert waits == [2, 4]


def test_expired_access_token_is_renewed_once(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    box.fetch_new(None, 10)
    graph_fake.expire_access_tokens()  # Exchange revoked it early (e.g. a password reset, CAE)
    box.fetch_new(None, 10)
    assert graph_fake.token_requests == 2


def test_revoked_credential_stops_at_once(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls, retry=RetryPolicy(max_attempts=5, sleep=lambda s: None))
    box.fetch_new(None, 10)
    graph_fake.expire_access_tokens()
    graph_fake.credential_revoked = True
    with pytest.raises(AuthenticationFailed, match="AADSTS7000222"):
        box.fetch_new(None, 10)
    assert graph_fake.token_requests == 2


def test_403_is_permission_denied_naming_rbac(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    graph_fake.denied.add(r"GET mailFolders/.*/messages/delta")
    with pytest.raises(PermissionDenied, match="RBAC for Applications"):
        graph_mailbox(graph_fake, tls).fetch_new(None, 10)


def test_draft_is_a_createreply_to_the_member_only_and_made_once(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    original = graph_fake.deliver(enquiry())
    item = _outgoing(reply_to=original)
    assert box.find_outgoing(item.key) is None
    draft_id = box.create_draft(item)
    draft = graph_fake.messages[draft_id]
    assert draft.is_draft and draft.fields["inReplyTo"] == "<pothole-1@brackenford.gov.uk>", "threaded via createReply"
    assert [r["emailAddress"]["address"] for r in draft.fields["toRecipients"]] == [MEMBER]
    assert draft.fields["ccRecipients"] == [] and RESIDENT not in str(draft.fields)
    assert draft.fields["body"] == {"contentType": "HTML", "content": "<p>Thank you.</p>"}
    assert draft.props[KEY_PROP.lower()] == item.key and draft.props[STATE_PROP.lower()] == "draft"
    assert box.find_outgoing(item.key) == draft_id
    assert box.create_draft(item) == draft_id and len(graph_fake.in_folder("drafts")) == 1


def test_crash_between_createreply_and_patch_is_completed_not_duplicated(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    original = graph_fake.deliver(enquiry())
    item = _outgoing(reply_to=original)
    graph_fake.fail("PATCH", r"/messages/", 503, "ServiceUnavailable")
    with pytest.raises(TransientBackendError):
        box.create_draft(item)
    assert box.find_outgoing(item.key) is None, "a draft still 'creating' is not delivered"
    draft_id = box.create_draft(item)
    assert len(graph_fake.in_folder("drafts")) == 1
    assert graph_fake.messages[draft_id].props[STATE_PROP.lower()] == "draft"


def test_send_goes_to_the_member_once_with_headers(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    original = graph_fake.deliver(enquiry())
    item = _outgoing(reply_to=original)
    box.send(item)
    assert len(graph_fake.sent) == 1
    sent = graph_fake.sent[0]
    assert sent["to"] == [MEMBER] and sent["cc"] == []
    assert sent["headers"]["x-mq-idempotency-key"] == item.key and sent["headers"]["auto-submitted"] == "auto-replied"
    ref = box.find_outgoing(item.key)
    assert ref is not None and not graph_fake.messages[ref].is_draft
    assert box.send(item) == ref and len(graph_fake.sent) == 1


def test_quarantine_flags_categorises_and_moves_keeping_the_id(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    mid = graph_fake.deliver(plain(1))
    box.quarantine(mid)
    moved = graph_fake.messages[mid]
    assert graph_fake.folders[moved.folder] == "Quarantine"
    assert "MQ Quarantined" in moved.categories and moved.fields["flag"] == {"flagStatus": "flagged"}
    box.move(mid, "Quarantine")  # the folder is found, not created twice
    assert list(graph_fake.folders.values()).count("Quarantine") == 1


def test_without_mime_download_messages_are_built_from_headers_and_unique_body(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls, download_mime=False)
    graph_fake.deliver(enquiry())
    (item,) = box.fetch_new(None, 10).items
    assert not any(r.path.endswith("/$value") for r in graph_fake.requests)
    msg = parse_message(item.raw, item.backend_id)
    assert msg.sender is not None and msg.sender.email == MEMBER
    assert [a.email for a in msg.cc] == [RESIDENT]
    assert msg.message_id == "<pothole-1@brackenford.gov.uk>" and "pothole" in msg.new_text


def test_a_stored_link_to_another_host_is_never_followed(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    graph_fake.deliver(plain(1))
    batch = box.fetch_new("https://graph.example.net/v1.0/users/x/mailFolders('inbox')/messages/delta?$deltatoken=abc", 10)
    assert batch.resync and len(batch.items) == 1


def test_fetch_sent_reads_officers_replies_not_our_own_mail_across_pages(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    graph_fake.deliver(officer_reply(1), folder="sentitems", received="2026-11-20T10:00:00Z")
    box.send(_outgoing(reply_to=graph_fake.deliver(enquiry())))  # our acknowledgement lands in Sent Items too
    graph_fake.deliver(officer_reply(2), folder="sentitems", received="2026-11-20T11:00:00Z")
    # One item per page: the links must keep the $expand, or page 2's acknowledgement would pass.
    items, cursor, pages = drain(box.fetch_sent, limit=1)
    assert pages >= 3
    subjects = [parse_message(i.raw, i.backend_id).subject for i in items]
    assert subjects == ["Re: Pothole 1", "Re: Pothole 2"]
    assert items[0].received is not None and items[0].received.hour == 10  # when it was sent
    assert box.fetch_sent(cursor, 50).items == []  # the delta link: nothing new
    graph_fake.deliver(officer_reply(3), folder="sentitems")
    assert [parse_message(i.raw, i.backend_id).subject for i in box.fetch_sent(cursor, 50).items] == ["Re: Pothole 3"]
    sent_deltas = [r for r in graph_fake.requests if r.path.endswith("/messages/delta") and "sentitems" in r.path.lower()]
    assert sent_deltas and KEY_PROP in sent_deltas[0].query["$expand"]
    # The inbox's own round is separate and does not see sent mail.
    assert [parse_message(i.raw, i.backend_id).subject for i in drain(box.fetch_new)[0]] == ["Pothole on Weir Road outside number 14"]


def test_fetch_sent_asks_only_for_mail_since_the_bot_was_enabled_and_the_links_keep_asking(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    graph_fake.deliver(officer_reply(1), folder="sentitems", received="2024-03-01T10:00:00Z")  # years of history before the bot
    graph_fake.deliver(officer_reply(2), folder="sentitems", received="2026-11-20T11:00:00Z")
    graph_fake.deliver(officer_reply(3), folder="sentitems", received="2023-06-01T10:00:00Z")
    since = datetime(2026, 11, 19, 9, 0, tzinfo=timezone.utc)
    items, cursor, _ = drain(lambda c, n: box.fetch_sent(c, n, since=since), limit=1)
    assert [parse_message(i.raw, i.backend_id).subject for i in items] == ["Re: Pothole 2"]
    first = [r for r in graph_fake.requests if r.path.endswith("/messages/delta") and "sentitems" in r.path.lower()][0]
    assert first.query["$filter"] == "receivedDateTime ge 2026-11-19T09:00:00Z"
    graph_fake.deliver(officer_reply(4), folder="sentitems", received="2026-11-21T08:00:00Z")
    assert [parse_message(i.raw, i.backend_id).subject for i in box.fetch_sent(cursor, 50, since=since).items] == ["Re: Pothole 4"]


def test_fetch_sent_restarts_its_round_when_the_sync_state_expires(graph_fake, tls) -> None:  # type: ignore[no-untyped-def]
    box = graph_mailbox(graph_fake, tls)
    graph_fake.deliver(officer_reply(1), folder="sentitems")
    first = box.fetch_sent(None, 50)
    graph_fake.expire_sync_state()
    again = box.fetch_sent(first.cursor, 50)
    assert again.resync and [parse_message(i.raw, i.backend_id).subject for i in again.items] == ["Re: Pothole 1"]

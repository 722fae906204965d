"""The same scenario on every backend, through the real pipeline (build_services + poll_once).

A member writes a new enquiry with a resident copied in. With the bot in draft mode,
one poll leaves an acknowledgement draft and a third-party warning draft, both
addressed to the member alone, and marks the enquiry processed; the next poll repeats
nothing. The config is written like config.example.toml with the backend's section,
and the mailbox is opened by the factory from that config.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
from imapclient import IMAPClient

from bot.backends.factory import open_mailbox
from bot.backends.retry import FAIL_FAST
from bot.config import load_config
from bot.outgoing import KEY_HEADER
from bot.runner import poll_once

from .conftest import (
    EWS_PASSWORD_ENV, EWS_USER_ENV, IMAP_PASSWORD_ENV, MEMBER, RESIDENT, enquiry, services_for, write_config,
)
from .mq_servers import PASSWORD


@dataclass
class Draft:
    to: list[str]
    cc: list[str]
    subject: str
    key: str


@dataclass
class World:
    """How to deliver into, and look inside, one backend's mailbox."""

    section: str
    deliver: Callable[[bytes], None]
    drafts: Callable[[], list[Draft]]
    processed: Callable[[], bool]


def _maildir_world(tmp: Path) -> World:
    root = tmp / "maildir"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)

    def deliver(raw: bytes) -> None:
        (root / "new" / "1795300000.M1P1.test").write_bytes(raw)

    def drafts() -> list[Draft]:
        found = []
        for path in sorted((root / ".Drafts").glob("*/*.eml*")):
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            found.append(Draft([str(msg["to"])], [str(msg["cc"])] if msg["cc"] else [], str(msg["subject"]), str(msg[KEY_HEADER])))
        return found

    def processed() -> bool:
        letters = {line.split()[1]: chr(ord("a") + int(line.split()[0])) for line in (root / "dovecot-keywords").read_text().splitlines()}
        return all(letters["$MQProcessed"] in name.rpartition(":2,")[2] for name in (p.name for p in (root / "cur").iterdir()))

    return World("", deliver, drafts, processed)


def _imap_world(dovecot: Any, user: str, smtp: Any) -> World:
    section = f"""
        host = "127.0.0.1"
        port = {dovecot.port}
        tls = "none"
        username = "{user}"
        password_env = "{IMAP_PASSWORD_ENV}"
        smtp_host = "127.0.0.1"
        smtp_port = {smtp.port}
        smtp_tls = "none"
    """

    def client() -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        c.login(user, PASSWORD)
        return c

    def drafts() -> list[Draft]:
        c = client()
        if not c.folder_exists("Drafts"):
            return []
        c.select_folder("Drafts", readonly=True)
        found = []
        for data in c.fetch(c.search("ALL"), ["BODY.PEEK[]"]).values():
            msg = email.message_from_bytes(data[b"BODY[]"], policy=email.policy.default)
            found.append(Draft([str(msg["to"])], [str(msg["cc"])] if msg["cc"] else [], str(msg["subject"]), str(msg[KEY_HEADER])))
        c.logout()
        return found

    def processed() -> bool:
        c = client()
        c.select_folder("INBOX", readonly=True)
        flags = c.get_flags(c.search("ALL"))
        c.logout()
        return bool(flags) and all(b"$MQProcessed" in f for f in flags.values())

    return World(section, lambda raw: dovecot.deliver(raw, user=user), drafts, processed)


def _graph_world(fake: Any, tls: Any) -> World:
    section = f"""
        tenant_id = "{fake.tenant}"
        client_id = "{fake.client_id}"
        authority_host = "{fake.authority_host}"
        graph_url = "{fake.graph_url}"
        certificate_path = "{tls.app_pem}"
        ca_file = "{tls.ca}"
    """
    from bot.backends.graph import KEY_PROP

    def drafts() -> list[Draft]:
        return [Draft([r["emailAddress"]["address"] for r in m.fields["toRecipients"]],
                      [r["emailAddress"]["address"] for r in m.fields["ccRecipients"] + m.fields.get("bccRecipients", [])],
                      m.fields["subject"], m.props.get(KEY_PROP.lower(), "")) for m in fake.in_folder("drafts")]

    def processed() -> bool:
        inbox = fake.in_folder("inbox")
        return bool(inbox) and all("MQ Processed" in m.categories for m in inbox)

    return World(section, fake.deliver, drafts, processed)


def _ews_world(fake: Any, section: str) -> World:
    def drafts() -> list[Draft]:
        return [Draft(d.to, [c for c in d.props.get("cc", "").split(",") if c], d.subject, d.props.get("internetheaders/x-mq-idempotency-key", ""))
                for d in fake.in_folder("drafts")]

    def processed() -> bool:
        inbox = fake.in_folder("inbox")
        return bool(inbox) and all("MQ Processed" in i.categories for i in inbox)

    return World(section, fake.deliver, drafts, processed)


@pytest.fixture(params=["maildir", "imap", "graph", "ews", "ews-oauth"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, World]:
    kind = request.param
    if kind == "maildir":
        return "maildir", _maildir_world(tmp_path)
    if kind == "imap":
        return "imap", _imap_world(request.getfixturevalue("dovecot"), request.getfixturevalue("imap_user"), request.getfixturevalue("smtp_sink"))
    if kind == "graph":
        return "graph", _graph_world(request.getfixturevalue("graph_fake"), request.getfixturevalue("tls"))
    if kind == "ews":
        fake = request.getfixturevalue("ews_fake")
        section = f"""
            service_endpoint = "{fake.endpoint}"
            auth = "basic"
            username_env = "{EWS_USER_ENV}"
            password_env = "{EWS_PASSWORD_ENV}"
            access = "impersonation"
            max_wait_seconds = 1
        """
        return "ews", _ews_world(fake, section)
    graph, tls = request.getfixturevalue("graph_fake"), request.getfixturevalue("tls")
    fake = request.getfixturevalue("ews_oauth_fake")
    section = f"""
        service_endpoint = "{fake.endpoint}"
        auth = "oauth"
        tenant_id = "{graph.tenant}"
        client_id = "{graph.client_id}"
        authority_host = "{graph.authority_host}"
        certificate_path = "{tls.app_pem}"
        ca_file = "{tls.ca}"
        max_wait_seconds = 1
    """
    return "ews", _ews_world(fake, section)


def test_new_enquiry_with_third_party_gets_two_drafts_to_the_member_once(world, tmp_path, detector_cache) -> None:  # type: ignore[no-untyped-def]
    backend, w = world
    config_path = write_config(tmp_path, backend, w.section, mode="draft", on_first_start="record")
    config = load_config(config_path)
    enabled_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    services = services_for(config_path, open_mailbox(config, FAIL_FAST), detector_cache, clock=lambda: enabled_at)
    try:
        first = poll_once(services)  # the bot is switched on: an empty mailbox
        assert first.fetched == 0

        w.deliver(enquiry())
        report = poll_once(services)
        assert (report.fetched, report.processed, report.delivered, report.failed) == (1, 1, 2, 0), report

        drafts = w.drafts()
        kinds = sorted(item.kind for item in services.store.outbox(services.mailbox_name))
        assert kinds == ["acknowledgement", "warning_third_party"]
        assert len(drafts) == 2
        for draft in drafts:
            assert draft.to == [MEMBER] or MEMBER in draft.to[0], draft
            assert len(draft.to) == 1 and draft.cc == [], "warnings and acknowledgements go to the member alone"
            assert RESIDENT not in " ".join(draft.to + draft.cc)
            assert "Pothole on Weir Road" in draft.subject and draft.key
        assert len({d.key for d in drafts}) == 2
        assert w.processed(), "the enquiry carries the processed marker"
        assert all(item.status == "done" for item in services.store.outbox(services.mailbox_name))

        again = poll_once(services)
        assert (again.processed, again.delivered, again.failed) == (0, 0, 0), again
        assert len(w.drafts()) == 2, "nothing repeated on the next poll"
        assert len(services.store.outbox(services.mailbox_name)) == 2
    finally:
        services.mailbox.close()


def test_first_start_on_an_existing_mailbox_records_but_never_answers(world, tmp_path, detector_cache) -> None:  # type: ignore[no-untyped-def]
    backend, w = world
    w.deliver(enquiry(when=datetime.now(timezone.utc) - timedelta(days=3)))  # there before the bot
    config_path = write_config(tmp_path, backend, w.section, mode="draft", on_first_start="record")
    services = services_for(config_path, open_mailbox(load_config(config_path), FAIL_FAST), detector_cache)
    try:
        report = poll_once(services)
        assert report.fetched == 1 and report.delivered == 0
        assert w.drafts() == [] and services.store.outbox(services.mailbox_name) == []
        assert w.processed()
    finally:
        services.mailbox.close()


def test_graph_resync_after_410_does_not_answer_old_mail_again(graph_fake, tls, tmp_path, detector_cache) -> None:  # type: ignore[no-untyped-def]
    w = _graph_world(graph_fake, tls)
    config_path = write_config(tmp_path, "graph", w.section, mode="draft")
    enabled_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    services = services_for(config_path, open_mailbox(load_config(config_path), FAIL_FAST), detector_cache, clock=lambda: enabled_at)
    try:
        poll_once(services)
        w.deliver(enquiry())
        assert poll_once(services).delivered == 2
        # A person removes our category, then Exchange drops the sync state: the full
        # resync sees the enquiry again as if new.
        for m in graph_fake.in_folder("inbox"):
            m.categories = []
        graph_fake.expire_sync_state()
        report = poll_once(services)
        assert report.delivered == 0 and report.skipped == 1
        assert len(w.drafts()) == 2
    finally:
        services.mailbox.close()

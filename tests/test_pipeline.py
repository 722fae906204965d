"""The pipeline end to end on the Maildir backend and SQLite."""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.backends.maildir import MaildirMailbox
from bot.config import load_config
from bot.runner import poll_once
from bot.services import build_services
from storage.models import AuditEvent, Case, OutboxItem, SeenMessage
from tests.conftest import deliver, eml, member_enquiry, write_config


def services_for(path: Path, **kw):  # type: ignore[no-untyped-def]
    config = load_config(path)
    return build_services(config, MaildirMailbox(config.resolve(config.mailbox.path), config.mailbox.address), **kw)


def counts(services) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with services.store.session() as s:
        return {
            "cases": s.scalar(select(func.count()).select_from(Case)),
            "outbox": s.scalar(select(func.count()).select_from(OutboxItem)),
            "messages": s.scalar(select(func.count()).select_from(SeenMessage)),
        }


def drafts(folder: Path) -> list[email.message.EmailMessage]:
    d = folder / "mailbox" / ".Drafts" / "cur"
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(d.iterdir())] if d.exists() else []


def test_demo_mailbox_twice_creates_nothing_twice(demo_config: Path) -> None:
    services = services_for(demo_config)
    first = poll_once(services)
    assert first.fetched == 20 and first.failed == 0 and first.quarantined == 0
    after_first = counts(services)
    assert after_first["cases"] >= 5 and after_first["outbox"] >= 5
    n_drafts = len(drafts(demo_config.parent))
    second = poll_once(services_for(demo_config))
    assert second.fetched == 0
    assert counts(services) == after_first
    assert len(drafts(demo_config.parent)) == n_drafts


def test_every_draft_goes_to_one_member_only_and_is_threaded(demo_config: Path) -> None:
    services = services_for(demo_config)
    poll_once(services)
    members = {m.email for m in services.directory.members}
    officers = {o.email for o in services.directory.officers}
    found = drafts(demo_config.parent)
    assert found
    to_members = 0
    for msg in found:
        to = msg.get_all("To")
        # One addressee, always someone on the council's own rosters: the member
        # (acknowledgements, warnings) or an officer (notices); never a third party.
        assert len(to) == 1 and to[0] in members | officers
        to_members += to[0] in members
        assert msg["Cc"] is None and msg["Bcc"] is None
        if to[0] in members:
            assert msg["In-Reply-To"], "a draft reply is threaded to the member's message"
            assert msg["In-Reply-To"] in msg["References"]
        assert msg["Auto-Submitted"] == "auto-replied"
    assert to_members >= 5


def test_unknown_sender_goes_to_triage_without_reply(config_dir: Path) -> None:
    path = write_config(config_dir)
    deliver(config_dir / "mailbox", eml("""\
        From: Dorothy Finch <dot.finch@btinternet.com>
        To: memberqueries@brackenford.gov.uk
        Subject: bins
        Date: Mon, 16 Nov 2026 10:00:00 +0000
        Message-ID: <res-1@btinternet.com>

        Could you please tell me when my bins will be collected?
    """))
    services = services_for(path)
    poll_once(services)
    with services.store.session() as s:
        case = s.scalar(select(Case))
        assert case is not None and case.status == "triage"
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 0


def test_failing_message_is_quarantined_after_max_attempts_and_others_continue(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(config_dir)
    bad = deliver(config_dir / "mailbox", member_enquiry(1), name="bad.1")
    deliver(config_dir / "mailbox", member_enquiry(2), name="good.2")
    import bot.runner as runner

    real = runner.parse_stage

    def flaky(services, item):  # type: ignore[no-untyped-def]
        if item.backend_id == bad:
            raise RuntimeError("simulated parser bug")
        return real(services, item)

    monkeypatch.setattr(runner, "parse_stage", flaky)
    services = services_for(path)
    reports = [poll_once(services) for _ in range(4)]
    assert reports[0].processed == 1 and reports[0].failed == 1
    assert sum(r.quarantined for r in reports) == 1
    assert reports[3].fetched == 0  # quarantined: never retried forever
    with services.store.session() as s:
        row = s.scalar(select(SeenMessage).where(SeenMessage.backend_id == bad))
        assert row.status == "quarantined" and "simulated parser bug" in row.last_error
        assert row.attempts == 3
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "quarantined")) == 1
    assert "F" in services.mailbox._box.get_message(bad).get_flags()


@pytest.mark.parametrize("mode, delivery", [("shadow", "none"), ("draft", "draft"), ("live", "send")])
def test_modes(config_dir: Path, mode: str, delivery: str) -> None:
    path = write_config(config_dir, mode=mode)
    deliver(config_dir / "mailbox", member_enquiry(1, cc="resident.one@gmail.com"))
    services = services_for(path)
    poll_once(services)
    with services.store.session() as s:
        items = list(s.scalars(select(OutboxItem)))
    kinds = {i.kind: i for i in items}
    assert "warning_third_party" in kinds
    assert kinds["warning_third_party"].delivery == delivery
    sent = config_dir / "mailbox" / ".Sent" / "cur"
    draft = config_dir / "mailbox" / ".Drafts" / "cur"
    if mode == "shadow":
        assert all(i.status == "held" for i in items)
        assert not sent.exists() and not draft.exists()
    elif mode == "draft":
        assert len(list(draft.iterdir())) == len(items) and not sent.exists()
    else:
        assert any(p.is_file() for p in sent.iterdir())
    for item in items:
        assert item.to_addr == "cllr.jean.thirkettle@brackenford.gov.uk"


def test_preexisting_mail_is_recorded_not_acknowledged(config_dir: Path) -> None:
    path = write_config(config_dir, on_first_start="record")
    deliver(config_dir / "mailbox", member_enquiry(1))
    services = services_for(path)
    poll_once(services)
    with services.store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 0
        assert s.scalar(select(SeenMessage.labels)).get("preexisting") is True


def test_same_message_id_delivered_twice_is_handled_once(config_dir: Path) -> None:
    path = write_config(config_dir)
    deliver(config_dir / "mailbox", member_enquiry(7), name="a.1")
    deliver(config_dir / "mailbox", member_enquiry(7), name="b.1")
    services = services_for(path)
    poll_once(services)
    c = counts(services)
    with services.store.session() as s:
        statuses = sorted(s.scalars(select(SeenMessage.status)))
    assert statuses == ["done", "duplicate"]
    assert c["cases"] == 1


def test_a_failing_message_costs_one_attempt_per_cycle_even_across_pages(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(config_dir)
    path.write_text(path.read_text().replace("max_attempts = 3", "max_attempts = 3\nbatch_size = 2"))
    bad = deliver(config_dir / "mailbox", member_enquiry(1), name="0-bad")
    for n in range(2, 6):
        deliver(config_dir / "mailbox", member_enquiry(n), name=f"{n}-good")
    import bot.runner as runner

    real = runner.parse_stage

    def flaky(services, item):  # type: ignore[no-untyped-def]
        if item.backend_id == bad:
            raise RuntimeError("always fails")
        return real(services, item)

    monkeypatch.setattr(runner, "parse_stage", flaky)
    services = services_for(path)
    report = poll_once(services)
    assert report.processed == 4 and report.failed == 1 and report.quarantined == 0
    with services.store.session() as s:
        assert s.scalar(select(SeenMessage.attempts).where(SeenMessage.backend_id == bad)) == 1


class CursorLikeMaildir(MaildirMailbox):
    """Offers each message once, as IMAP/Graph/EWS do once their cursor has moved on."""

    def __init__(self, *a, **kw) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*a, **kw)
        self.offered: set[str] = set()

    def fetch_new(self, cursor, limit):  # type: ignore[no-untyped-def]
        batch = super().fetch_new(cursor, limit)
        items = [i for i in batch.items if i.backend_id not in self.offered]
        self.offered.update(i.backend_id for i in items)
        return type(batch)(items=items, cursor=str(len(self.offered)), more=False)


def test_failed_message_is_retried_by_id_on_cursor_backends(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(config_dir)
    flaky_id = deliver(config_dir / "mailbox", member_enquiry(1))
    import bot.runner as runner

    real = runner.parse_stage
    calls = {"n": 0}

    def fails_once(services, item):  # type: ignore[no-untyped-def]
        if item.backend_id == flaky_id and calls["n"] == 0:
            calls["n"] += 1
            raise RuntimeError("transient bug")
        return real(services, item)

    monkeypatch.setattr(runner, "parse_stage", fails_once)
    config = load_config(path)
    services = build_services(config, CursorLikeMaildir(config_dir / "mailbox", config.mailbox.address))
    first = poll_once(services)
    assert first.failed == 1
    second = poll_once(services)
    assert second.processed == 1
    with services.store.session() as s:
        assert s.scalar(select(SeenMessage.status)) == "done"
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 1


def test_ignore_on_first_start_records_nothing_but_the_id(config_dir: Path) -> None:
    path = write_config(config_dir, on_first_start="ignore")
    deliver(config_dir / "mailbox", member_enquiry(1))
    services = services_for(path)
    poll_once(services)
    with services.store.session() as s:
        row = s.scalar(select(SeenMessage))
        assert row.status == "ignored" and row.excerpt == "" and row.subject == ""
        assert s.scalar(select(func.count()).select_from(Case)) == 0

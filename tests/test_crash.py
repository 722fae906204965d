"""SIGKILL at random points of real `mqtriage poll` processes: nothing lost, nothing twice."""

from __future__ import annotations

import email
import email.policy
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.backends.maildir import MaildirMailbox
from bot.config import load_config
from bot.delivery import deliver_pending, to_outgoing
from bot.runner import poll_once
from bot.services import build_services
from storage.models import Case, OutboxItem, SeenMessage
from tests.conftest import ROOT, deliver, member_enquiry, write_config


def _poll(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "-c", str(config), "poll", "--quiet"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _acks_by_parent(folder: Path) -> Counter[str]:
    drafts = folder / "mailbox" / ".Drafts" / "cur"
    found: Counter[str] = Counter()
    for path in drafts.iterdir() if drafts.exists() else []:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if "Thank you for your enquiry" in msg.get_body(("plain",)).get_content():
            found[msg["In-Reply-To"]] += 1
    return found


@pytest.mark.slow
def test_sigkill_at_random_points_across_200_enquiries(config_dir: Path) -> None:
    n = 200
    config = write_config(config_dir, extra="")
    config.write_text(config.read_text().replace("max_attempts = 3", "max_attempts = 20"))
    # The kill points are placed from this machine's own start-up time: fixed delays
    # (1.5-6 s once) let a fast machine finish all 200 before the first kill, and then
    # nothing was interrupted at all.
    started = time.monotonic()
    assert _poll(config).wait(timeout=120) == 0  # empty mailbox: start-up, database, nothing to do
    startup = time.monotonic() - started
    for i in range(n):
        deliver(config_dir / "mailbox", member_enquiry(i))
    rng = random.Random(20261122)
    kills = 0
    for _ in range(40):
        proc = _poll(config)
        try:
            # From late in start-up to a little way into the mailbox: each run decides and
            # delivers a few dozen messages at most before it dies.
            proc.wait(timeout=startup * rng.uniform(0.7, 1.0) + rng.uniform(0.0, 0.6))
            if proc.returncode == 0 and kills >= 6:
                break
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
    final = _poll(config)
    assert final.wait(timeout=120) == 0
    assert kills >= 6, "the test must really interrupt the process several times"

    acks = _acks_by_parent(config_dir)
    assert len(acks) == n, f"{n - len(acks)} enquiries got no acknowledgement"
    assert set(acks.values()) == {1}, "an enquiry got more than one acknowledgement"
    services = build_services(load_config(config), MaildirMailbox(config_dir / "mailbox", "memberqueries@brackenford.gov.uk"))
    with services.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == n
        assert set(s.scalars(select(SeenMessage.status))) == {"done"}
        assert s.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.status != "done")) == 0


def test_crash_between_backend_write_and_marking_done_yields_no_second_copy(config_dir: Path) -> None:
    config = write_config(config_dir)
    deliver(config_dir / "mailbox", member_enquiry(1))
    services = build_services(load_config(config), MaildirMailbox(config_dir / "mailbox", "memberqueries@brackenford.gov.uk"))
    import bot.runner as runner

    real = runner.deliver_pending
    runner.deliver_pending = lambda s: 0  # decide and record, but "crash" before delivery
    try:
        poll_once(services)
    finally:
        runner.deliver_pending = real
    pending = services.store.pending_outbox(services.mailbox_name)
    assert len(pending) == 1
    # The backend got the draft but the process died before the row was marked done:
    services.mailbox.create_draft(to_outgoing(services, pending[0]))
    assert deliver_pending(services) == 0  # found by key, not created again
    assert services.store.pending_outbox(services.mailbox_name) == []
    assert len(list((config_dir / "mailbox" / ".Drafts" / "cur").iterdir())) == 1

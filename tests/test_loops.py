"""Never a loop or a reflection: 1,000 robot messages produce no outgoing mail at all.

Most of them come *from members' own addresses* (their out-of-office, their client's
read receipt, a spoofed From), so it is the safety chain, not the roster, that stops
them.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

from sqlalchemy import func, select

from bot.backends.maildir import MaildirMailbox
from bot.config import load_config
from bot.runner import poll_once
from bot.services import build_services
from storage.models import OutboxItem
from tests.conftest import deliver, write_config

MEMBERS = ["cllr.jean.thirkettle@brackenford.gov.uk", "cllr.callum.macateer@brackenford.gov.uk", "cllr.sunita.bhogal@brackenford.gov.uk"]
ASK = "Could you please arrange for the streetlight on Orchard Way to be repaired and let me know when?"


def _headers(i: int, sender: str, subject: str, extra: list[str]) -> list[str]:
    return [f"From: {sender}", "To: memberqueries@brackenford.gov.uk", f"Subject: {subject}",
            f"Date: Mon, 16 Nov 2026 {9 + i % 8:02d}:{i % 60:02d}:00 +0000", f"Message-ID: <robot-{i}@example.net>", *extra]


def robot_message(i: int, kind: str) -> bytes:
    member = MEMBERS[i % len(MEMBERS)]
    if kind == "auto-submitted":
        lines = _headers(i, member, f"Re: your enquiry {i}", ["Auto-Submitted: auto-replied"]) + ["", ASK]
    elif kind == "auto-generated":
        lines = _headers(i, member, f"Case update {i}", ["Auto-Submitted: auto-generated"]) + ["", ASK]
    elif kind == "precedence":
        lines = _headers(i, member, f"Digest {i}", [f"Precedence: {random.Random(i).choice(['bulk', 'list', 'junk'])}"]) + ["", ASK]
    elif kind == "suppress":
        lines = _headers(i, member, f"Streetlights {i}", ["X-Auto-Response-Suppress: All"]) + ["", ASK]
    elif kind == "list":
        lines = _headers(i, member, f"[ward-news] lights {i}", ["List-Id: <ward-news.lists.example.org>", "List-Unsubscribe: <mailto:leave@lists.example.org>"]) + ["", ASK]
    elif kind == "ooo-no-headers":
        lines = _headers(i, member, f"Out of Office: streetlights {i}", []) + ["", "I am currently out of the office with limited access to email. " + ASK]
    elif kind == "ooo-body-only":
        lines = _headers(i, member, f"Re: streetlights {i}", []) + ["", "Thank you for your email. I am on annual leave until Monday and will respond on my return."]
    elif kind == "bounce":
        lines = _headers(i, "MAILER-DAEMON@mx.example.net", "Undelivered Mail Returned to Sender", [
            "MIME-Version: 1.0", 'Content-Type: multipart/report; report-type=delivery-status; boundary="b"']) + [
            "", "--b", "Content-Type: text/plain", "", ASK, "--b", "Content-Type: message/delivery-status", "",
            "Reporting-MTA: dns; mx.example.net", "", "Final-Recipient: rfc822; nobody@example.net", "Action: failed", "Status: 5.1.1", "--b--"]
    elif kind == "read-receipt":
        lines = _headers(i, member, f"Read: Streetlights {i}", [
            "MIME-Version: 1.0", 'Content-Type: multipart/report; report-type=disposition-notification; boundary="r"']) + [
            "", "--r", "Content-Type: text/plain", "", "Your message was read.", "--r",
            "Content-Type: message/disposition-notification", "", "Disposition: manual-action/MDN-sent-manually; displayed", "--r--"]
    elif kind == "noreply":
        lines = _headers(i, "no-reply@portal.example.org", f"Your report {i}", []) + ["", ASK]
    elif kind == "own-mailbox":
        lines = _headers(i, "memberqueries@brackenford.gov.uk", f"Re: streetlights {i}", []) + ["", ASK]
    elif kind == "reflection":
        lines = _headers(i, member, f"Re: Re: streetlights {i}", [f"X-MQ-Idempotency-Key: {i:040x}"]) + ["", ASK]
    elif kind == "spoofed":
        lines = _headers(i, member, f"Streetlights {i}", [
            "Authentication-Results: mx.brackenford.gov.uk; spf=fail smtp.mailfrom=example.net; dkim=none; dmarc=fail header.from=brackenford.gov.uk"]) + ["", ASK]
    elif kind == "null-return-path":
        lines = ["Return-Path: <>"] + _headers(i, member, f"Delivery report {i}", []) + ["", ASK]
    else:
        raise ValueError(kind)
    return ("\n".join(lines) + "\n").encode()


KINDS = ["auto-submitted", "auto-generated", "precedence", "suppress", "list", "ooo-no-headers", "ooo-body-only",
         "bounce", "read-receipt", "noreply", "own-mailbox", "reflection", "spoofed", "null-return-path"]


def test_a_thousand_robot_messages_produce_zero_outgoing_mail(config_dir: Path) -> None:
    path = write_config(config_dir, mode="live")
    path.write_text(path.read_text().replace("max_attempts = 3", "max_attempts = 3\nbatch_size = 1000\nsend_acknowledgements = true"))
    for i, kind in zip(range(1000), itertools.cycle(KINDS)):
        deliver(config_dir / "mailbox", robot_message(i, kind), name=f"{i:04d}.{kind}")
    config = load_config(path)
    services = build_services(config, MaildirMailbox(config_dir / "mailbox", config.mailbox.address))
    report = poll_once(services)
    assert report.fetched == 1000 and report.failed == 0 and report.quarantined == 0
    with services.store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 0
    for folder in (".Sent", ".Drafts"):
        cur = config_dir / "mailbox" / folder / "cur"
        assert not cur.exists() or not any(cur.iterdir()), f"something was written to {folder}"


def test_the_same_enquiry_without_robot_signs_is_answered(config_dir: Path) -> None:
    """The control: the safety chain, not a broken pipeline, is what stopped the robots."""
    path = write_config(config_dir, mode="live")
    lines = _headers(1, MEMBERS[0], "Streetlights on Orchard Way", []) + ["", ASK]
    deliver(config_dir / "mailbox", ("\n".join(lines) + "\n").encode())
    config = load_config(path)
    services = build_services(config, MaildirMailbox(config_dir / "mailbox", config.mailbox.address))
    poll_once(services)
    with services.store.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 1

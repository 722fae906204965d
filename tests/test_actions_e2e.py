"""Acknowledgements and warnings end to end through the Maildir backend, in every mode."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.backends.maildir import MaildirMailbox
from bot.config import load_config
from bot.runner import poll_once
from bot.services import build_services
from storage.models import Case, OutboxItem
from tests.conftest import deliver, eml, write_config

JEAN = "cllr.jean.thirkettle@brackenford.gov.uk"
GARETH = "cllr.gareth.pennock@brackenford.gov.uk"


def run(folder: Path, *raws: bytes, mode: str = "draft", extra: str = "") -> tuple[list[OutboxItem], dict[str, list[EmailMessage]]]:
    path = write_config(folder, mode=mode, extra=extra)
    config = load_config(path)
    services = build_services(config, MaildirMailbox(folder / "mailbox", config.mailbox.address))
    for raw in raws:
        deliver(folder / "mailbox", raw)
        poll_once(services)
    with services.store.session() as s:
        items = list(s.scalars(select(OutboxItem).order_by(OutboxItem.id)))
    files: dict[str, list[EmailMessage]] = {}
    for box in (".Drafts", ".Sent"):
        cur = folder / "mailbox" / box / "cur"
        files[box] = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(cur.iterdir())] if cur.exists() else []
    return items, files


ENQUIRY = """\
    From: Cllr Jean Thirkettle <{sender}>
    To: memberqueries@brackenford.gov.uk
    {cc}Subject: {subject}
    Date: Fri, 18 Dec 2026 18:10:00 +0000
    Message-ID: <{mid}@brackenford.gov.uk>
    {extra}
    {body}
"""


def enquiry(mid: str = "e1", *, cc: str = "", subject: str = "Pothole outside 4 Weir Road", sender: str = JEAN, extra: str = "",
            body: str = "A resident has reported a deep pothole outside 4 Weir Road. Could you please arrange an inspection and let me know when it will be repaired?") -> bytes:
    text = ENQUIRY.format(sender=sender, cc=f"Cc: {cc}\n    " if cc else "", subject=subject, mid=mid, extra=extra, body=body)
    return eml(text)


def body_of(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content()


def test_acknowledgement_draft_is_threaded_to_the_member_alone(tmp_path: Path) -> None:
    items, files = run(tmp_path, enquiry(cc="lorna.haigh@hotmail.co.uk, cllr.eleanor.prideaux@brackenford.gov.uk"))
    acks = [m for m in files[".Drafts"] if "Thank you for your enquiry" in body_of(m)]
    assert len(acks) == 1
    ack = acks[0]
    assert ack.get_all("To") == [JEAN] and ack["Cc"] is None
    assert ack["In-Reply-To"] == "<e1@brackenford.gov.uk>"
    assert ack["References"].split()[-1] == "<e1@brackenford.gov.uk>"
    assert ack["Subject"].startswith("Re: Pothole outside 4 Weir Road [MQ-")
    text = body_of(ack)
    # Received Friday 18 Dec 2026 18:10, after the cut-off: day of receipt Monday 21 December;
    # five working days later, over Christmas and the 28 December substitute day: 30 December.
    assert "Wednesday 30 December 2026" in text
    assert "MQ-2026-" in text
    assert "If a full response is not possible within five working days" in text  # section17 profile explains
    assert ack.get_body(("html",)) is not None


def test_third_party_warning_names_each_recipient_and_kind(tmp_path: Path) -> None:
    items, files = run(tmp_path, enquiry(cc="lorna.haigh@hotmail.co.uk, Cllr Eleanor Prideaux <cllr.eleanor.prideaux@brackenford.gov.uk>, declan.furness@brackenford.gov.uk"))
    warnings = [m for m in files[".Drafts"] if "also addressed to" in body_of(m)]
    assert len(warnings) == 1
    w = warnings[0]
    assert w.get_all("To") == [JEAN]
    text = body_of(w)
    assert "lorna.haigh@hotmail.co.uk (a resident or other outside party)" in text
    assert "cllr.eleanor.prideaux@brackenford.gov.uk (another councillor)" in text
    assert "declan.furness@brackenford.gov.uk (an officer of the council)" in text
    assert "reply to you only" in text
    recipients = {i.to_addr for i in items}
    assert "lorna.haigh@hotmail.co.uk" not in recipients and "cllr.eleanor.prideaux@brackenford.gov.uk" not in recipients


def test_personal_address_warning_goes_to_the_roster_address_not_the_webmail(tmp_path: Path) -> None:
    raw = enquiry(sender="gareth.pennock71@gmail.com").replace(b"Cllr Jean Thirkettle", b"Cllr Gareth Pennock")
    items, files = run(tmp_path, raw)
    assert {i.to_addr for i in items} == {GARETH}
    warning = [m for m in files[".Drafts"] if "not your council email address" in body_of(m)]
    assert len(warning) == 1 and warning[0].get_all("To") == [GARETH]
    assert "gareth.pennock71@gmail.com" in body_of(warning[0])


def test_undeclared_interest_asks_for_its_nature_but_a_declared_one_does_not(tmp_path: Path) -> None:
    undeclared = enquiry("i1", subject="Pelham Lane application", body=(
        "Could you tell me where the Pelham Lane outline application has got to? Our back garden runs straight down to the hedge "
        "on the site boundary and my own house floods every winter, so I would like to see the drainage report."))
    declared = enquiry("i2", subject="Market stalls", body=(
        "I must declare a personal interest: my husband and I run one of the hot-food stalls on the market. "
        "Could you tell me what the new rules on handwash units will require?"))
    items, files = run(tmp_path, undeclared, declared)
    interest = [i for i in items if i.kind == "warning_personal_interest"]
    assert len(interest) == 1 and interest[0].in_reply_to == "<i1@brackenford.gov.uk>"
    assert "confirm the nature of your interest" in interest[0].body_text


def test_complaint_copied_to_the_press_gets_a_route_reminder(tmp_path: Path) -> None:
    raw = enquiry("c1", cc="newsdesk@brackenfordecho.co.uk", subject="Conduct of planning enforcement officer", body=(
        "I wish to make a formal complaint about the conduct of Craig Dempster, who was rude and dismissive to residents at "
        "Mill Farm on Tuesday. This is unacceptable. I expect an apology and a different officer on the case."))
    items, _ = run(tmp_path, raw)
    kinds = [i.kind for i in items if i.to_addr == JEAN]
    assert "warning_complaint_route" in kinds
    reminder = next(i for i in items if i.kind == "warning_complaint_route")
    assert "Head of Service or Director" in reminder.body_text


def test_at_most_one_warning_of_a_kind_per_thread(tmp_path: Path) -> None:
    first = enquiry("t1", cc="lorna.haigh@hotmail.co.uk")
    second = enquiry("t2", cc="lorna.haigh@hotmail.co.uk", extra="In-Reply-To: <t1@brackenford.gov.uk>\n    References: <t1@brackenford.gov.uk>",
                     body="Any news on this? Could you please let me know today?")
    items, _ = run(tmp_path, first, second)
    assert [i.kind for i in items].count("warning_third_party") == 1


def test_per_member_daily_cap(tmp_path: Path) -> None:
    raws = [enquiry(f"d{n}", cc=f"resident{n}@gmail.com", subject=f"Separate matter {n}") for n in range(4)]
    items, _ = run(tmp_path, *raws, extra="")
    assert [i.kind for i in items].count("warning_third_party") == 3  # bot.warnings_per_member_per_day default


def test_spoofed_member_gets_nothing(tmp_path: Path) -> None:
    raw = enquiry(extra="Authentication-Results: mx.brackenford.gov.uk; spf=fail smtp.mailfrom=evil.example; dmarc=fail header.from=brackenford.gov.uk")
    items, files = run(tmp_path, raw, mode="live")
    assert items == [] and files[".Sent"] == [] and files[".Drafts"] == []


@pytest.mark.parametrize("mode, send_acks, ack_box, warn_box", [
    ("shadow", False, None, None),
    ("draft", False, ".Drafts", ".Drafts"),
    ("live", False, ".Drafts", ".Sent"),
    ("live", True, ".Sent", ".Sent"),
])
def test_modes_decide_where_mail_goes(tmp_path: Path, mode: str, send_acks: bool, ack_box: str | None, warn_box: str | None) -> None:
    # A live council may also switch its profile to send acknowledgements itself.
    path = write_config(tmp_path, mode=mode)
    if send_acks:
        path.write_text(path.read_text().replace("max_attempts = 3", "max_attempts = 3\nsend_acknowledgements = true"))
    config = load_config(path)
    services = build_services(config, MaildirMailbox(tmp_path / "mailbox", config.mailbox.address))
    deliver(tmp_path / "mailbox", enquiry(cc="lorna.haigh@hotmail.co.uk"))
    poll_once(services)
    with services.store.session() as s:
        kinds = {i.kind: i for i in s.scalars(select(OutboxItem))}
    assert {"acknowledgement", "warning_third_party"} <= set(kinds)
    where = {}
    for box in (".Drafts", ".Sent"):
        cur = tmp_path / "mailbox" / box / "cur"
        where[box] = [body_of(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)) for p in cur.iterdir()] if cur.exists() else []
    for kind, box, marker in (("acknowledgement", ack_box, "Thank you for your enquiry"), ("warning_third_party", warn_box, "also addressed to")):
        if box is None:
            assert kinds[kind].status == "held" and kinds[kind].delivery == "none"
            assert not any(marker in t for texts in where.values() for t in texts)
        else:
            assert kinds[kind].status == "done"
            assert sum(marker in t for t in where[box]) == 1
            other = ".Sent" if box == ".Drafts" else ".Drafts"
            assert not any(marker in t for t in where[other])


def test_subject_cannot_inject_markup_or_headers(tmp_path: Path) -> None:
    raw = enquiry(subject="=?utf-8?q?Lights_<script>alert(1)</script>=0D=0ABcc:_victim@example.org?=")
    items, files = run(tmp_path, raw)
    ack = next(m for m in files[".Drafts"] if "Thank you for your enquiry" in body_of(m))
    assert ack["Bcc"] is None and "victim@example.org" not in (ack["To"] or "")
    assert "\n" not in ack["Subject"] and "\r" not in ack["Subject"]
    html = ack.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_council_can_override_a_template(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "templates").mkdir()
    (folder / "templates" / "acknowledgement.txt.j2").write_text("Diolch, {{ member_name }}. Reference {{ ref }}, due {{ due }}.\n")
    cfg = write_config(folder)
    cfg.write_text(cfg.read_text().replace("max_attempts = 3", 'max_attempts = 3\ntemplates_dir = "templates"'))
    config = load_config(cfg)
    services = build_services(config, MaildirMailbox(folder / "mailbox", config.mailbox.address))
    deliver(folder / "mailbox", enquiry())
    poll_once(services)
    with services.store.session() as s:
        ack = s.scalar(select(OutboxItem).where(OutboxItem.kind == "acknowledgement"))
        case = s.scalar(select(Case))
    assert ack.body_text.startswith(f"Diolch, Jean Thirkettle. Reference {case.ref}, due Wednesday 30 December 2026.")

"""The message model and parser: real-world MIME must never raise."""

from __future__ import annotations

import sysconfig
from datetime import timezone
from pathlib import Path

import pytest

from bot.parse import parse_message
from tests.conftest import eml

CPYTHON_EMAIL_DATA = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"


def cpython_samples() -> list[Path]:
    if not CPYTHON_EMAIL_DATA.is_dir():
        return []
    return sorted(p for p in CPYTHON_EMAIL_DATA.iterdir() if p.is_file())


@pytest.mark.skipif(not cpython_samples(), reason="this interpreter ships without test/test_email/data")
@pytest.mark.parametrize("path", cpython_samples(), ids=lambda p: p.name)
def test_every_cpython_test_email_message_parses(path: Path) -> None:
    message = parse_message(path.read_bytes(), path.name)
    assert message.message_id
    assert message.received.tzinfo is not None
    assert isinstance(message.new_text, str) and isinstance(message.full_text, str)


def test_headers_addresses_and_threading_are_extracted() -> None:
    raw = eml("""\
        From: "Cllr Jean Thirkettle" <Cllr.Jean.Thirkettle@Brackenford.GOV.UK>
        To: MemberQueries@Brackenford.GOV.UK
        Cc: Lorna Haigh <lorna.haigh@hotmail.co.uk>, other@example.org
        Subject: =?utf-8?q?Caf=C3=A9_licence?=
        Date: Fri, 18 Dec 2026 18:10:00 +0000
        Message-ID: <abc@brackenford.gov.uk>
        In-Reply-To: <parent@brackenford.gov.uk>
        References: <root@brackenford.gov.uk> <parent@brackenford.gov.uk>
        Auto-Submitted: no
        List-Id: <not-really.example.org>
        Content-Type: text/plain; charset=utf-8

        Hello
    """)
    m = parse_message(raw, "key-1")
    assert m.sender and m.sender.email == "cllr.jean.thirkettle@brackenford.gov.uk"
    assert [a.email for a in m.cc] == ["lorna.haigh@hotmail.co.uk", "other@example.org"]
    assert m.to[0].email == "memberqueries@brackenford.gov.uk"
    assert m.subject == "Café licence"
    assert m.thread_id == "<root@brackenford.gov.uk>"
    assert m.in_reply_to == "<parent@brackenford.gov.uk>"
    assert m.header("auto-submitted") == "no"
    assert m.header("list-id")
    assert m.received.utcoffset() == timezone.utc.utcoffset(None)


def test_html_only_message_becomes_text_and_quoted_history_is_separated() -> None:
    raw = eml("""\
        From: cllr.sunita.bhogal@brackenford.gov.uk
        To: memberqueries@brackenford.gov.uk
        Subject: RE: Damp
        Date: Fri, 20 Nov 2026 10:40:00 +0000
        Message-ID: <h1@brackenford.gov.uk>
        Content-Type: text/html; charset=utf-8

        <html><body><p>When will the <b>works</b> start?</p>
        <p>Kind regards<br>Sunita</p>
        <div><p>From: Housing Team<br>Sent: 18 November 2026 09:00<br>To: Cllr Bhogal<br>Subject: RE: Damp</p>
        <p>We will inspect next week.</p></div></body></html>
    """)
    m = parse_message(raw, "k")
    assert m.has_html
    assert "When will the works start?" in m.new_text
    assert "inspect next week" not in m.new_text
    assert "inspect next week" in m.quoted_text
    assert "inspect next week" in m.full_text


def test_missing_date_and_message_id_fall_back_deterministically() -> None:
    raw = b"From: someone@example.org\nSubject: no date\n\nbody\n"
    a, b = parse_message(raw, "x"), parse_message(raw, "x")
    assert a.message_id == b.message_id and a.message_id.startswith("<sha256-")
    assert a.received.tzinfo is not None


def test_unknown_charset_and_bad_base64_do_not_raise() -> None:
    raw = eml("""\
        From: a@example.org
        Subject: broken
        Content-Type: text/plain; charset=x-no-such-charset
        Content-Transfer-Encoding: base64

        !!!not base64!!!
    """)
    m = parse_message(raw, "x")
    assert isinstance(m.full_text, str)


def test_message_is_immutable() -> None:
    m = parse_message(b"From: a@example.org\n\nhi\n", "x")
    with pytest.raises(Exception):
        m.subject = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.headers["x"] = "y"  # type: ignore[index]


def test_utf8_sent_under_a_us_ascii_label_is_read_as_utf8() -> None:
    raw = "From: a@example.org\nSubject: rent\nContent-Type: text/plain; charset=\"us-ascii\"\n\nThe rent goes from £38 to £95.\n".encode("utf-8")
    m = parse_message(raw, "x")
    assert "£38 to £95" in m.full_text
    assert "charset-mislabelled" in m.defects

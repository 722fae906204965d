"""delivery-report: bounces (RFC 3464) and read receipts (RFC 8098), by MIME type or by subject."""

from __future__ import annotations

import pytest

from bot.state import RuleOutcome
from rules.safety.delivery_report import DeliveryReport
from tests.conftest import eml
from tests.rules.conftest import state_of

RULE = "delivery-report"
MISS = RuleOutcome(RULE, False, ("not a delivery or read report",))

BOUNCE = eml("""\
    From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
    To: memberqueries@brackenford.gov.uk
    Subject: Your message to a resident
    Date: Mon, 16 Nov 2026 10:05:00 +0000
    Message-ID: <dsn-1@mx.example.net>
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

    --dsn
    Content-Type: text/plain; charset=us-ascii

    This is the mail system at host mx.example.net. Your message could not be delivered.
    --dsn
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.example.net

    Final-Recipient: rfc822; dot.finchley@example.net
    Action: failed
    Status: 5.1.1
    --dsn--
""")

# A read receipt from a member's own client; its subject is not one the subject list knows,
# so only the MIME type can catch it.
READ_RECEIPT = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Return Receipt (displayed) - Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:07:00 +0000
    Message-ID: <mdn-1@brackenford.gov.uk>
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn"

    --mdn
    Content-Type: text/plain; charset=utf-8

    Your message was displayed on Mon, 16 Nov 2026 10:07.
    --mdn
    Content-Type: message/disposition-notification

    Reporting-UA: brackenford.gov.uk; Thunderbird
    Final-Recipient: rfc822; cllr.jean.thirkettle@brackenford.gov.uk
    Original-Message-ID: <ack-1@brackenford.gov.uk>
    Disposition: manual-action/MDN-sent-manually; displayed
    --mdn--
""")

ENQUIRY = eml("""\
    From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
    To: memberqueries@brackenford.gov.uk
    Subject: Streetlight out on Orchard Way
    Date: Mon, 16 Nov 2026 10:00:00 +0000
    Message-ID: <dr-enquiry@brackenford.gov.uk>
    MIME-Version: 1.0
    Content-Type: multipart/alternative; boundary="alt"

    --alt
    Content-Type: text/plain; charset=utf-8

    The streetlight outside 14 Orchard Way has been out for a week. My email to the
    contractor bounced, so could you please arrange the repair?
    --alt
    Content-Type: text/html; charset=utf-8

    <p>The streetlight outside 14 Orchard Way has been out for a week. My email to the
    contractor bounced, so could you please arrange the repair?</p>
    --alt--
""")


def plain(subject: str) -> bytes:
    return eml(f"""\
        From: Cllr Jean Thirkettle <cllr.jean.thirkettle@brackenford.gov.uk>
        To: memberqueries@brackenford.gov.uk
        Subject: {subject}
        Date: Mon, 16 Nov 2026 10:10:00 +0000
        Message-ID: <dr-1@brackenford.gov.uk>

        Could you please arrange for the streetlight outside 14 Orchard Way to be repaired?
    """)


def test_delivery_status_notification_is_a_hit(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(BOUNCE, directory)
    assert DeliveryReport().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("report content type: multipart/report",))]


def test_read_receipt_is_a_hit_by_mime_type_alone(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(READ_RECEIPT, directory)
    assert state.member is not None  # from a member's own address: the roster does not save us
    assert DeliveryReport().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, ("report content type: multipart/report",))]


@pytest.mark.parametrize("subject", [
    "Undeliverable: Streetlight out on Orchard Way",
    "Undelivered Mail Returned to Sender",
    "Delivery Status Notification (Failure)",
    "Mail delivery failed: returning message to sender",
    "Mail Delivery Subsystem",
    "Returned mail: see transcript for details",
    "failure notice",
    "Delivery has failed to these recipients or groups",
    "Message not delivered",
    "Read: Streetlight out on Orchard Way",
    "Not read: Streetlight out on Orchard Way",
    "Read receipt",
])
def test_report_subjects_are_hits_without_the_mime_type(ctx, directory, subject: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(plain(subject), directory)
    assert DeliveryReport().check(ctx, state) is True
    assert state.outcomes == [RuleOutcome(RULE, True, (f"subject reads as a report: {subject[:60]}",))]


@pytest.mark.parametrize("subject", [
    "Ready for Thursday's planning committee?",  # "read" only counts as "Read:"
    "Reading Road resurfacing",
    "Re: Undeliverable: Streetlight out on Orchard Way",  # a person replying about a bounce
    "Streetlight out on Orchard Way",
])
def test_ordinary_subjects_are_misses(ctx, directory, subject: str) -> None:  # type: ignore[no-untyped-def]
    state = state_of(plain(subject), directory)
    assert DeliveryReport().check(ctx, state) is False
    assert state.outcomes == [MISS]


def test_an_ordinary_multipart_enquiry_mentioning_a_bounce_is_a_miss(ctx, directory) -> None:  # type: ignore[no-untyped-def]
    state = state_of(ENQUIRY, directory)
    assert DeliveryReport().check(ctx, state) is False
    assert state.outcomes == [MISS]

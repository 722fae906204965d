"""``mq.enquiry.v1``: structure and headers first, then the trained classifier."""

from __future__ import annotations

import pytest

from bot.parse import parse_message
from classifiers.pipeline import Detectors


def msg(body: str, subject: str = "Orchard Way", extra: str = "", sender: str = "cllr.jean.thirkettle@brackenford.gov.uk") -> object:
    return parse_message(f"From: {sender}\nTo: memberqueries@brackenford.gov.uk\nSubject: {subject}\n{extra}\n{body}\n".encode(), "k")


@pytest.mark.parametrize("extra, subject, source", [
    ("Auto-Submitted: auto-replied\n", "Re: Orchard Way", "header:Auto-Submitted"),
    ("Precedence: bulk\n", "News", "header:Precedence"),
    ("List-Id: <news.example.org>\n", "News", "header:List-Id"),
    ("", "Automatic reply: Orchard Way", "header:Subject"),
    ("", "Accepted: Ward surgery", "header:Subject"),
])
def test_robots_and_receipts_are_recognised_from_headers(shipped: Detectors, extra: str, subject: str, source: str) -> None:
    f = shipped.classify(msg("Could you please fix the streetlight?", subject, extra)).findings["enquiry"]
    assert f.value is False and f.evidence[0].source == source


def test_an_officers_own_reply_is_not_an_enquiry(shipped: Detectors) -> None:
    f = shipped.classify(msg("We have booked the repair for Tuesday.", sender="rob.kettlewell@brackenford.gov.uk")).findings["enquiry"]
    assert f.value is False and "officer" in f.evidence[0].detail


def test_a_request_is_an_enquiry_with_evidence(shipped: Detectors) -> None:
    f = shipped.classify(msg("A resident tells me the streetlight outside 14 Orchard Way has been out for a fortnight. Could you please arrange a repair and let me know when it will be done?")).findings["enquiry"]
    assert f.value is True and f.evidence and f.evidence[0].start is not None


def test_thanks_and_close_is_not_an_enquiry(shipped: Detectors) -> None:
    f = shipped.classify(msg("Many thanks, that's all sorted now - you can close this one.", "Re: Orchard Way")).findings["enquiry"]
    assert f.value is False


ANGRY = ("I am appalled at how Mr Kettlewell has handled this. My own house on Orchard Way floods every winter and "
         "I want a formal complaint logged about his conduct today.")


def test_an_automatic_message_is_not_read_for_a_stake_or_a_complaint(shipped: Detectors) -> None:
    # Out-of-office text that, from a member in person, would be both: the headers decide first.
    read = shipped.classify(msg(ANGRY, "Re: Orchard Way"))
    assert read.findings["complaint"].value and read.doc is not None  # the same words are read when a member writes them
    auto = shipped.classify(msg(ANGRY, "Re: Orchard Way", "Auto-Submitted: auto-replied\n"))
    assert auto.doc is None
    for label in ("personal_interest", "complaint"):
        assert auto.findings[label].value is False and auto.findings[label].details["reason"] == "not read: automatic message"
    assert auto.findings["sender_is_member"].value is True  # header facts are still worked out


def test_messages_not_read_keep_their_place_in_a_batch(shipped: Detectors) -> None:
    batch = [msg(ANGRY, "Re: A"), msg(ANGRY, "Re: B", "Precedence: bulk\n"), msg("Could you please fix the streetlight?", "Streetlight"),
             msg("We have booked the repair.", "Re: C", sender="rob.kettlewell@brackenford.gov.uk")]
    results = list(shipped.classify_many(batch, batch_size=1))
    assert [r.doc is not None for r in results] == [True, False, True, False]
    assert results[2].findings["enquiry"].value is True
    assert [r.findings["enquiry"].evidence[0].source for r in results[1::2]] == ["header:Precedence", "header:From"]
    assert results[0].findings["complaint"].value and not results[1].findings["complaint"].value

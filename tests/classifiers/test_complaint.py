"""``mq.complaint.v1`` and ``complaint_about`` from the officers roster and job titles."""

from __future__ import annotations

import pytest

from bot.parse import parse_message
from classifiers.pipeline import Detectors


def msg(body: str) -> object:
    return parse_message(f"From: cllr.eleanor.prideaux@brackenford.gov.uk\nTo: memberqueries@brackenford.gov.uk\nSubject: Mill Farm\n\n{body}\n".encode(), "k")


@pytest.mark.parametrize("text, about", [
    ("I wish to make a formal complaint about the conduct of Craig Dempster, who was rude and dismissive to me and to the residents at Mill Farm. This is unacceptable and I expect an apology.", "officer"),
    ("I am appalled by the way Imogen Blackwood has handled this. Three meetings cancelled and no explanation. I want this escalated.", "chief_officer"),
    ("The Chief Executive's remarks at the briefing were insulting and unprofessional. I am making a formal complaint and expect an apology.", "chief_executive"),
    ("This is the fourth time I have reported the flooding on Weir Road. Nothing has happened, nobody has replied, and it is not good enough. I want this escalated.", "service"),
])
def test_complaints_and_who_they_are_about(shipped: Detectors, text: str, about: str) -> None:
    f = shipped.classify(msg(text)).findings["complaint"]
    assert f.value is True
    assert f.kind == about
    assert f.evidence


def test_asking_for_the_complaints_procedure_is_not_a_complaint(shipped: Detectors) -> None:
    text = "A constituent would like to know how to make a complaint about a private landlord. Could you send me the link to the complaints procedure?"
    assert shipped.classify(msg(text)).findings["complaint"].value is False


def test_a_first_report_is_not_a_complaint(shipped: Detectors) -> None:
    text = "A resident has told me the bins on Tanyard Row were not collected on Friday. Could you find out what happened and when they will be emptied?"
    assert shipped.classify(msg(text)).findings["complaint"].value is False

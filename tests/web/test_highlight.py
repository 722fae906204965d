"""Placing evidence on the stored (whitespace-collapsed, cut) excerpt."""

from __future__ import annotations

from types import SimpleNamespace

from bot.web.highlight import locate, marks_for, segments

NEW_TEXT = "Good morning,\n\nI should declare an interest:  my husband runs a stall.\n\nCould you  please confirm the rules?"
EXCERPT = " ".join(NEW_TEXT.split())[:60]


def test_evidence_with_different_whitespace_is_found() -> None:
    start, end = locate(EXCERPT, "I should declare\nan interest", hint=15)  # type: ignore[misc]
    assert EXCERPT[start:end] == "I should declare an interest"


def test_case_is_a_fallback() -> None:
    start, end = locate(EXCERPT, "GOOD MORNING")  # type: ignore[misc]
    assert EXCERPT[start:end] == "Good morning"


def test_evidence_cut_off_by_the_excerpt_is_highlighted_to_its_end() -> None:
    where = locate(EXCERPT, "my husband runs a stall. Could you please confirm the rules?", hint=48)
    assert where is not None and where[1] == len(EXCERPT) and EXCERPT[where[0]:].startswith("my husband")


def test_evidence_beyond_the_excerpt_is_not_placed() -> None:
    assert locate(EXCERPT, "please confirm the rules?", hint=80) is None
    assert locate("", "anything") is None and locate(EXCERPT, "   ") is None


def test_repeated_text_uses_the_occurrence_before_the_offset() -> None:
    text = "please call. Then please write. please"
    assert locate(text, "please", hint=20) == (18, 24)
    assert locate(text, "please", hint=40) == (32, 38)
    assert locate(text, "please", hint=0) == (0, 6)


def test_overlapping_marks_split_into_segments_with_their_labels() -> None:
    findings = [
        SimpleNamespace(label="personal_interest", value=True, evidence=[{"source": "body", "text": "declare an interest: my husband", "start": 26}]),
        SimpleNamespace(label="enquiry", value=True, evidence=[{"source": "body", "text": "I should declare an interest", "start": 15},
                                                               {"source": "body", "text": "I should declare an interest", "start": 15}]),
        SimpleNamespace(label="complaint", value=False, evidence=[{"source": "body", "text": "Good morning"}]),
        SimpleNamespace(label="third_party_cc", value=True, evidence=[{"source": "header:Cc", "text": "x@example.com"}]),
    ]
    marks, placed = marks_for(EXCERPT, findings)
    assert sorted(m.label for m in marks) == ["enquiry", "personal_interest"]  # duplicate span once; false and header evidence not marked
    assert placed == {1: True, 2: True, 3: True}
    parts = segments(EXCERPT, marks)
    assert "".join(p.text for p in parts) == EXCERPT
    both = [p for p in parts if len(p.labels) == 2]
    assert both and both[0].text == "declare an interest"
    assert [m.label for p in parts for m in p.ends] == ["enquiry", "personal_interest"]


def test_nested_spans_of_one_label_get_one_tag_at_the_end() -> None:
    excerpt = "I wish to complain about Mr Craig Dempster, planning officer, and his conduct."
    findings = [SimpleNamespace(label="complaint", value=True, evidence=[
        {"source": "body", "text": "I wish to complain about Mr Craig Dempster, planning officer, and his conduct.", "start": 0},
        {"source": "body", "text": "Craig Dempster", "start": 28}])]
    marks, _ = marks_for(excerpt, findings)
    assert [(m.start, m.end) for m in marks] == [(0, len(excerpt))]
    parts = segments(excerpt, marks)
    assert len(parts) == 1 and [m.label for m in parts[0].ends] == ["complaint"]

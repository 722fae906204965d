"""``sender.last_lines`` gives what splitting the whole text would, however the end is cut."""

from __future__ import annotations

import pytest

from classifiers.sender import _TAIL_CHARS, last_lines


def _whole(text: str, count: int) -> list[str]:
    return [line for line in text.splitlines() if line.strip()][-count:]


@pytest.mark.parametrize("count", [1, 6])
def test_same_as_splitting_the_whole_text(count: int) -> None:
    body = "Dear officer,\n\n" + "A long paragraph about the bins on Mill Lane. " * 60
    cases = [
        "", "one line", "a\n\n\nb\n", "Cllr Ann Probert\nWrayton Ward",
        body + "\n\nKind regards\n\nCllr Ann Probert\nWrayton Ward\n",
        body + "\r\n\r\nRegards\r\nAnn\r\n",  # Windows line ends, one of them perhaps cut in two by the tail
        body + "\n" + "\n".join(f"line {i}" for i in range(40)),
        "x\n" + " " * (_TAIL_CHARS * 2) + "\nlast",  # a blank run longer than the tail: falls back
        body + "\u2028Regards\u2029Ann\x0bWard\x1cEnd",  # splitlines' other line breaks
    ]
    # Every cut of the text near the tail's edge, so that the first line of the tail is
    # sometimes a whole line and sometimes part of one.
    edge = body + "\nRegards,\r\nAnn Probert\nWard\n\n" + "\n".join(f"{i}" for i in range(5))
    cases += [edge[:n] for n in range(_TAIL_CHARS - 20, len(edge))]
    for text in cases:
        assert last_lines(text, count) == _whole(text, count), repr(text[-80:])


def test_only_the_end_is_split_for_a_long_message() -> None:
    text = "word " * 10_000 + "\nKind regards\nAnn\nWard\nParish\nPhone\nEnd"
    assert last_lines(text, 6) == ["Kind regards", "Ann", "Ward", "Parish", "Phone", "End"]

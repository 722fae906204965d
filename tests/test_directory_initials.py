"""``Directory.member_by_initials``: "S.J. Whiteside" is Cllr Samuel Whiteside, when only he fits."""

from __future__ import annotations

import pytest

from bot.directory import Directory, Member


def roster(*names: str) -> Directory:
    members = tuple(Member(n, f"cllr.{n.lower().replace(' ', '.')}@loughmore.gov.uk", "Ward", "councillor") for n in names)
    return Directory(domains=("loughmore.gov.uk",), mailbox="memberqueries@loughmore.gov.uk", members=members, officers=())


ROSTER = roster("Samuel Whiteside", "Kwame Asante-Lowe", "Sarah Price", "Simon Price", "Tiffany Harkins")


@pytest.mark.parametrize("written, member", [
    ("S.J. Whiteside", "Samuel Whiteside"),
    ("S. J. Whiteside", "Samuel Whiteside"),
    ("s.j. whiteside", "Samuel Whiteside"),
    ("Cllr S. Whiteside", "Samuel Whiteside"),
    ("S.J. Whiteside (Loughmore North)", "Samuel Whiteside"),
    ("K.A. Asante-Lowe", "Kwame Asante-Lowe"),
    ("T. Harkins MBE", "Tiffany Harkins"),
])
def test_initials_with_full_stops_find_the_one_member_they_fit(written: str, member: str) -> None:
    found = ROSTER.member_by_name(written)
    assert found is not None and found.name == member


@pytest.mark.parametrize("written", [
    "SJ Whiteside",  # no full stops: two letters of a short name say too little
    "J. Whiteside",  # the first initial is not his
    "S. Price",  # two members fit: neither is guessed
    "S.J. Whitesides",  # another surname
    "A. N. Other",
])
def test_initials_that_fit_nobody_or_two_find_nobody(written: str) -> None:
    assert ROSTER.member_by_name(written) is None

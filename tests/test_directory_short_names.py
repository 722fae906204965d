"""``Directory.member_by_short_name``: "Tiff Harkins" is Cllr Tiffany Harkins, when only she fits."""

from __future__ import annotations

from bot.directory import Directory, Member


def roster(*names: str) -> Directory:
    members = tuple(Member(n, f"cllr.{n.lower().replace(' ', '.')}@wrexford.gov.uk", "Ward", "councillor") for n in names)
    return Directory(domains=("wrexford.gov.uk",), mailbox="memberqueries@wrexford.gov.uk", members=members, officers=())


def test_a_short_first_name_finds_the_one_member_it_fits() -> None:
    d = roster("Tiffany Harkins", "Alexander Doyle", "Jean Thirkettle")
    assert d.member_by_name("Tiff Harkins").name == "Tiffany Harkins"  # type: ignore[union-attr]
    assert d.member_by_name("Cllr Alex Doyle").name == "Alexander Doyle"  # type: ignore[union-attr]
    assert [m.name for m in d.members_named_in("Tiff  Cllr Harkins ")] == ["Tiffany Harkins"]


def test_too_short_or_fitting_two_members_finds_nobody() -> None:
    d = roster("Samuel Price", "Samantha Price", "Tiffany Harkins")
    assert d.member_by_name("Sam Price") is None  # two members fit: neither is guessed
    assert d.member_by_name("Ti Harkins") is None  # two letters say too little
    assert d.member_by_name("Tina Harkins") is None  # not a beginning of her name
    assert d.members_named_in("Regards, Sam Price") == []
    # A different surname is somebody else entirely.
    assert d.member_by_name("Tiff Harkness") is None


def test_an_everyday_form_finds_the_member_with_the_formal_name() -> None:
    d = roster("Leonard Threadgold", "Patrick Hughes", "Darren Bowen", "Patricia Hughes")
    assert d.member_by_name("Len Threadgold").name == "Leonard Threadgold"  # type: ignore[union-attr]
    assert d.member_by_name("Daz Bowen").name == "Darren Bowen"  # type: ignore[union-attr]
    # "Packie" is Patrick, never Patricia: the everyday form is matched to whole first names.
    assert d.member_by_name("Packie Hughes").name == "Patrick Hughes"  # type: ignore[union-attr]
    assert d.member_by_name("Paddy Threadgold") is None  # an everyday form of another first name
    assert [m.name for m in d.members_named_in("Cheers, Len Threadgold")] == ["Leonard Threadgold"]


def test_letters_after_a_display_name_are_dropped() -> None:
    d = roster("Bartholomew Copsey", "Tiffany Harkins")
    assert d.member_by_name("Bartholomew Copsey FRICS").name == "Bartholomew Copsey"  # type: ignore[union-attr]
    assert d.member_by_name("Tiff Harkins MBE JP").name == "Tiffany Harkins"  # type: ignore[union-attr]
    assert d.member_by_name("Bartholomew Copsey Holdings") is None  # not letters after a name

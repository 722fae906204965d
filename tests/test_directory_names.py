"""``normalise_name``: roster names compared without case, accents, titles or punctuation."""

from __future__ import annotations

import random
import re
import string
import unicodedata

import pytest

from bot.directory import _TITLES, name_letters, normalise_name


def by_definition(name: str) -> str:
    """Every step applied to every name, as the function did before its ASCII shortcut."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = _TITLES.sub(" ", name.lower())
    name = re.sub(r"\(.*?\)|\[.*?\]", " ", name)
    return " ".join(name_letters(name).split())


@pytest.mark.parametrize(("name", "folded"), [
    ("Cllr. Siân O'Neill", "sian oneill"),
    ("Councillor Gwenllïan Pryce-Jones (Aberhenwen ward)", "gwenllian pryce jones"),
    ("ALDERMAN  Cecil   Treanor", "cecil treanor"),
    ("Dr Zoë Ffrench-Mullen", "zoe ffrench mullen"),
])
def test_titles_accents_and_punctuation_are_folded(name: str, folded: str) -> None:
    assert normalise_name(name) == folded == by_definition(name)


def test_the_ascii_shortcut_gives_what_every_step_gives() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + " .,'-()[]" + "cllr mrs dr "
    for _ in range(3000):
        name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert normalise_name(name) == by_definition(name), repr(name)

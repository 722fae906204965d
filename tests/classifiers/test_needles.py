"""``Needles``: the compiled one-pass search gives ``str.find``'s answers."""

from __future__ import annotations

import random

import pytest

from classifiers.kernels import KERNELS
from classifiers.needles import Needles

NEEDLES = ("rude", "tone", "behavio", "hung up", "a", "ŵ", "", "151", "o'neill", "zz")
TEXTS = (
    "", "a", "rud", "the stone was rude", "stones, tones; tone!", "hung\nup, hung up",
    "Cyngor Sir: ffŵrn a thŷ", "section 151 officer", "Mr O'Neill and o'neill", "behaviour, behavior",
    "£ 151 — ‘tone’ 😀 rude", "zzzzz",
)


def reference(needles: tuple[str, ...], text: str) -> tuple[list[int], bool, int]:
    firsts = [text.find(n) for n in needles]
    found = [p for p in firsts if p >= 0]
    return firsts, bool(found), min(found) if found else -1


@pytest.mark.parametrize("kernels", [KERNELS, None], ids=["compiled", "python"])
def test_the_answers_are_str_find(kernels: object) -> None:
    if kernels is None and KERNELS is None:
        pytest.skip("kernels not built")
    for needles in (NEEDLES, NEEDLES[:4], ("",), ("a",), ()):
        found = Needles(needles, kernels)
        for text in TEXTS:
            firsts, any_in, earliest = reference(needles, text)
            assert found.firsts(text) == firsts, (needles, text)
            assert found.any_in(text) is any_in, (needles, text)
            assert found.earliest(text) == earliest, (needles, text)


@pytest.mark.skipif(KERNELS is None, reason="kernels not built")
def test_random_texts_over_a_small_alphabet_agree_with_str_find() -> None:
    """A small alphabet makes near misses and overlaps common: "abab" in "abaabab"."""
    rng = random.Random(11)
    for _ in range(400):
        needles = tuple("".join(rng.choice("abé ") for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12)))
        found = Needles(needles)
        for _ in range(10):
            text = "".join(rng.choice("abé \n") for _ in range(rng.randint(0, 60)))
            firsts, any_in, earliest = reference(needles, text)
            assert (found.firsts(text), found.any_in(text), found.earliest(text)) == (firsts, any_in, earliest), (needles, text)

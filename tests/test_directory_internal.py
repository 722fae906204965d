"""``Directory.is_internal``: the council's domains and their subdomains, nothing else."""

from __future__ import annotations

import itertools

import pytest

from bot.directory import Directory

DIRECTORY = Directory(domains=("wrexford.gov.uk", "wrexford-bc.org.uk"), mailbox="memberqueries@wrexford.gov.uk", members=(), officers=())


def by_definition(directory: Directory, email: str) -> bool:
    """The rule as LABELS.md states it, one council domain at a time."""
    domain = email.lower().rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in directory.domains)


@pytest.mark.parametrize(("email", "internal"), [
    ("j.bloggs@wrexford.gov.uk", True),
    ("J.Bloggs@Planning.WREXFORD.gov.uk", True),  # a subdomain, in odd case
    ("a@deep.members.wrexford-bc.org.uk", True),
    ("a@notwrexford.gov.uk", False),  # a suffix, but not after a dot
    ("a@wrexford.gov.uk.example.com", False),
    ("a@gov.uk", False),  # a parent of the council's domain is not the council
    ("a@wrexford", False),
    ("no-at-sign", False),
    ("a@", False),
])
def test_subdomains_count_and_lookalikes_do_not(email: str, internal: bool) -> None:
    assert DIRECTORY.is_internal(email) is internal


def test_the_set_lookup_agrees_with_the_definition_on_every_mix_of_labels() -> None:
    labels = ("wrexford", "gov", "uk", "org", "wrexford-bc", "planning", "", "x")
    for n in range(0, 5):
        for parts in itertools.product(labels, repeat=n):
            email = "someone@" + ".".join(parts)
            assert DIRECTORY.is_internal(email) == by_definition(DIRECTORY, email), email

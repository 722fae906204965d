"""The shipped corpus keeps the contract of ../shared/LABELS.md and the split rules.

These are checks on data, not on code: a folder added or edited by hand fails here
before it trains or evaluates anything.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from classifiers.corpus import REQUIRED, find_corpora, load_corpus
from classifiers.findings import COMPLAINT_ABOUT
from tests.conftest import ROOT

SPLITS = ("train", "dev", "test", "holdout")
FOLDERS = {split: find_corpora(ROOT / "corpus" / split) for split in SPLITS}
load = cache(load_corpus)  # each folder parsed once for all the checks below


@pytest.mark.parametrize("folder", [f for split in SPLITS for f in FOLDERS[split]], ids=lambda f: f"{f.parent.name}/{f.name}")
def test_each_folder_labels_every_message_once_by_the_contract(folder: Path) -> None:
    corpus = load(folder)  # every line has every field and names an existing file
    files = [e.path.name for e in corpus.examples]
    assert sorted(files) == sorted(p.name for p in folder.glob("*.eml")), "one labels.jsonl line per .eml"
    assert len(set(files)) == len(files)
    for e in corpus.examples:
        labels = e.labels
        assert set(REQUIRED) <= set(labels), e.path
        assert all(isinstance(labels[k], bool) for k in REQUIRED if k not in ("file", "complaint_about")), e.path
        assert labels["complaint_about"] == (labels["complaint_about"] if labels["complaint"] else None), e.path
        assert (labels["complaint_about"] in COMPLAINT_ABOUT) == bool(labels["complaint"]), e.path
        if not labels["sender_is_member"]:  # LABELS.md: these are the member's, false for anyone else
            assert not (labels["third_party_cc"] or labels["personal_address"] or labels["personal_interest"]), e.path
    assert (folder / "VOICES.md").exists()


def _member_senders(split: str) -> set[str]:
    """The councillors' addresses: the voices. (Two authors may well invent the same newsletter robot.)"""
    return {e.message.sender.email.lower() for f in FOLDERS[split] for e in load(f).examples if e.message.sender and e.labels["sender_is_member"]}


def test_no_council_or_councillor_is_shared_between_test_and_the_other_splits() -> None:
    names = Counter(f.name for split in SPLITS for f in FOLDERS[split])
    assert all(n == 1 for n in names.values()), "a council appears in two splits"
    test_senders = _member_senders("test")
    assert test_senders
    for split in ("train", "dev", "holdout"):
        shared = test_senders & _member_senders(split)
        assert not shared, f"test senders also in {split}: {sorted(shared)[:5]}"


def test_corpus_size_and_variety() -> None:
    counts = {split: sum(len(load(f).examples) for f in FOLDERS[split]) for split in SPLITS}
    assert sum(counts.values()) >= 800 and all(counts.values())
    domains = {load(f).config.council.domains[0] for split in SPLITS for f in FOLDERS[split]}
    assert len(domains) == sum(len(FOLDERS[s]) for s in SPLITS), "every council has its own domain"

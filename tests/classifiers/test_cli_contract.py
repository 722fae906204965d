"""`classify --json` emits every field of the contract for every message; `evaluate --json` reports metrics."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

FIELDS = {"file", "enquiry", "third_party_cc", "personal_interest", "complaint", "complaint_about",
          "sender_is_member", "personal_address", "received", "due", "route", "evidence"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_classify_json_contract_on_a_corpus_folder() -> None:
    folder = ROOT / "corpus" / "test" / "selbridge"
    result = run("-c", str(folder / "config.toml"), "classify", "--json", str(folder))
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(list(folder.glob("*.eml")))
    for r in records:
        assert FIELDS <= set(r), r["file"]
        assert r["complaint_about"] in (None, "officer", "chief_officer", "chief_executive", "service")
        if r["enquiry"]:
            assert r["due"] and r["route"], r["file"]
        for label in ("enquiry", "third_party_cc", "personal_interest", "complaint", "sender_is_member", "personal_address"):
            if r[label]:
                assert r["evidence"].get(label), f"{r['file']}: {label} without evidence"


def test_evaluate_json_reports_per_label_metrics() -> None:
    result = run("evaluate", "--json", str(ROOT / "corpus" / "dev"))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["messages"] >= 100
    assert set(report["labels"]) == {"enquiry", "third_party_cc", "personal_interest", "complaint", "sender_is_member", "personal_address"}
    assert 0 <= report["macro_f1"] <= 1
    assert report["sender_facts_accuracy"] is not None


def test_classifiers_and_rules_are_listed_with_descriptions() -> None:
    listed = run("classifiers", "list")
    assert listed.returncode == 0
    for name in ("mq.third_party_cc.v1", "mq.sender.v1", "mq.enquiry.v1", "mq.personal_interest.v2", "mq.complaint.v1", "mq_cues_v1", "mq_lookup_lemmatizer_v1"):
        assert name in listed.stdout
    # The classifier's architecture as the shipped model's config names it.
    assert "(mq.TextCatBOW.v2)" in listed.stdout
    rules = run("rules", "list")
    assert rules.returncode == 0
    for name in ("auto-submitted", "authentication-failed", "needs-acknowledgement", "third-party-copied", "personal-address-used"):
        assert name in rules.stdout

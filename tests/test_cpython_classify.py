"""Every message in CPython's own test_email data folder goes through `classify` without a crash."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_parse import CPYTHON_EMAIL_DATA, cpython_samples


@pytest.mark.skipif(not cpython_samples(), reason="this interpreter ships without test/test_email/data")
def test_classify_json_over_the_whole_cpython_email_folder() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "-c", str(ROOT / "config.example.toml"), "classify", "--json", str(CPYTHON_EMAIL_DATA)],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert {r["file"] for r in records} == {p.name for p in cpython_samples()}
    for r in records:
        assert isinstance(r["enquiry"], bool) and "received" in r and "evidence" in r

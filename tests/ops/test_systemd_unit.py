"""The hardened systemd units pass `systemd-analyze verify` (where systemd is installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

UNITS = sorted((ROOT / "deploy").glob("mqtriage*.service"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_verifies(unit: Path, tmp_path: Path) -> None:
    # The shipped unit points at /opt/mqtriage; verify checks the binary exists, so the
    # copy points at this checkout's installed entry point instead. Nothing else changes.
    installed = Path(sys.executable).parent / "mqtriage"
    assert installed.exists()
    text = unit.read_text()
    assert "/opt/mqtriage/venv/bin/mqtriage" in text
    target = tmp_path / unit.name
    target.write_text(text.replace("/opt/mqtriage/venv/bin/mqtriage", str(installed)))
    result = subprocess.run(["systemd-analyze", "verify", str(target)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "NoNewPrivileges=yes" in text and "ProtectSystem=strict" in text and "User=mqtriage" in text

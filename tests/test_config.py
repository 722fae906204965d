"""A broken config gets one readable line naming the file and the key, and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.conftest import ROOT, write_config


def test_example_config_loads() -> None:
    config = load_config(ROOT / "config.example.toml")
    assert config.bot.mode == "draft"
    assert config.mailbox.backend == "maildir"
    assert config.council.domains == ["brackenford.gov.uk"]


def test_mode_defaults_to_shadow(config_dir: Path) -> None:
    path = write_config(config_dir)
    path.write_text(path.read_text().replace('mode = "draft"\n', ""))
    assert load_config(path).bot.mode == "shadow"


@pytest.mark.parametrize(
    "change, expected",
    [
        (("[council]", "[council]\ncolour = 'blue'"), "council.colour: unknown key"),
        (('holiday_region = "ENG"', 'holiday_region = "XYZ"'), "council.holiday_region"),
        (('working_day_cutoff = "17:00"', 'working_day_cutoff = "teatime"'), "council.working_day_cutoff: Value error, expected HH:MM"),
        (('backend = "maildir"', 'backend = "pop3"'), "mailbox.backend"),
        (('backend = "maildir"', 'aliases = ["member enquiries"]\nbackend = "maildir"'), "mailbox.aliases: Value error, not an email address: 'member enquiries'"),
        (('roster = "members.csv"', 'roster = "nobody.csv"'), "members.roster: file not found"),
        (("response_working_days = 5", "response_working_days = 'five'"), "deadlines.response_working_days"),
        (('domains = ["brackenford.gov.uk"]', "domains = []"), "council.domains"),
        (('timezone = "Europe/London"', 'timezone = "Europe/Londinium"'), "unknown time zone"),
        (('backend = "maildir"', 'backend = "imap"'), "mailbox.imap: section [mailbox.imap] is required"),
        (("[storage]", "[storage]\npassword = 'hunter2'"), "secrets are never read from the config file"),
        (("[council]", "[council"), "not valid TOML"),
        (("[council]", "[classifiers]\nthresholds = { interest = 0.6 }\n[council]"), "classifiers.thresholds.interest"),
        (("[council]", "[classifiers]\nthresholds = { complaint = 1.5 }\n[council]"), "classifiers.thresholds.complaint: Input should be less than 1"),
    ],
)
def test_bad_config_names_file_and_key(config_dir: Path, change: tuple[str, str], expected: str) -> None:
    path = write_config(config_dir)
    path.write_text(path.read_text().replace(*change, 1))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="nowhere.toml: file not found"):
        load_config("nowhere.toml")


def test_bad_roster_row_names_file_and_line(config_dir: Path) -> None:
    path = write_config(config_dir)
    with (config_dir / "officers.csv").open("a") as fh:
        fh.write("Ann Other,ann.other@brackenford.gov.uk,wizard,planning\n")
    from bot.directory import load_directory

    with pytest.raises(ConfigError, match=r"officers.csv: line \d+: role: 'wizard'"):
        load_directory(load_config(path))


def test_cli_prints_one_line_not_a_traceback(config_dir: Path) -> None:
    path = write_config(config_dir)
    path.write_text(path.read_text().replace('backend = "maildir"', 'backend = "pop3"'))
    result = subprocess.run([sys.executable, "-m", "bot.cli", "-c", str(path), "check-config"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path}: mailbox.backend" in lines[0]

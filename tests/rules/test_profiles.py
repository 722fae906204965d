"""One deadline profile per seed protocol; a council selects one and overrides it in config.

The numbers and paragraphs are checked against the protocol texts themselves
(``shared/seeds``) when they are there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, DeadlinesConfig
from rules.engine import Engine
from rules.profiles import available, load_profile, profile_for

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip("protocol seeds not available")
    return " ".join(found[0].read_text(encoding="utf-8").split())


def test_one_profile_per_protocol() -> None:
    assert available() == ["borough", "county", "rushcliffe", "rutland", "section17"]


@pytest.mark.parametrize(("name", "days", "paragraph", "interim", "ack"), [
    ("section17", 5, "17.8.2", True, 1),
    ("rushcliffe", 5, "Appendix 1, Supporting Front-line Councillors: 'In terms of casework, officers will' (first bullet)", True, 1),
    ("county", 2, "6.4", False, 0),
    ("rutland", 10, "9.2", True, 2),
    ("borough", 5, "3.1", False, 1),
])
def test_profile_numbers(name: str, days: int, paragraph: str, interim: bool, ack: int) -> None:
    profile = load_profile(name)
    assert (profile.response_working_days, profile.paragraph, profile.interim_stops_clock, profile.acknowledge_working_days) == (days, paragraph, interim, ack)


def test_paragraphs_say_what_the_profiles_claim() -> None:
    assert "17.8.2 Officers should always endeavour" in seed("001")
    assert "an acknowledgement that fully explains what is happening within five working days" in seed("001")
    rushcliffe = seed("002")
    assert "providing a reply within five working days of the receipt of the request" in rushcliffe
    assert "with an estimate of when the full reply will be made" in rushcliffe
    county = seed("004")
    assert "6.4 Elected members requests for information must always be given high priority and a response given within 2 working days where possible" in county
    rutland = seed("000")
    assert "9.2 Individual members cannot by law" in rutland and "within the Council's agreed standards" in rutland
    borough = seed("003")
    assert "3.1 Councillors can expect from Officers" in borough and "A timely response to enquiries and complaints" in borough


def test_config_selects_and_overrides_a_profile() -> None:
    profile = profile_for(DeadlinesConfig(profile="county", response_working_days=3, interim_stops_clock=True))
    assert (profile.name, profile.response_working_days, profile.interim_stops_clock, profile.paragraph) == ("county", 3, True, "6.4")
    assert profile_for(DeadlinesConfig(profile="rutland")).response_working_days == 10


def test_unknown_profile_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown profile 'kent'"):
        profile_for(DeadlinesConfig(profile="kent"))


def test_engine_from_config_uses_the_council_profile(council) -> None:  # type: ignore[no-untyped-def]
    config = council("")  # write_config: section17 with response_working_days = 5
    assert Engine.from_config(config).profile.name == "section17"
    text = (config.source.read_text().replace('profile = "section17"', 'profile = "rushcliffe"')
            .replace("response_working_days = 5", "reminder_working_days_before = 2"))
    config.source.write_text(text)
    from bot.config import load_config

    engine = Engine.from_config(load_config(config.source))
    assert (engine.profile.name, engine.profile.response_working_days, engine.profile.reminder_working_days_before) == ("rushcliffe", 5, 2)


def test_unknown_profile_in_a_council_config_names_the_file(council) -> None:  # type: ignore[no-untyped-def]
    config = council("")
    config.source.write_text(config.source.read_text().replace('profile = "section17"', 'profile = "kent"'))
    from bot.config import load_config

    with pytest.raises(ConfigError, match=r"config.toml: deadlines.profile: unknown profile 'kent'"):
        Engine.from_config(load_config(config.source))

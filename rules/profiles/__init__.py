"""Deadline profiles, one per seed protocol, selected and overridden in config."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from bot.config import ConfigError, DeadlinesConfig

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    paragraph: str
    response_working_days: int
    acknowledge_working_days: int
    interim_stops_clock: bool
    reminder_working_days_before: int
    escalate_working_days_after: int
    acknowledgement_explains: str = ""


def available() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.toml"))


def load_profile(name: str) -> Profile:
    path = HERE / f"{name}.toml"
    if not path.is_file():
        raise ConfigError(f"deadlines.profile: unknown profile {name!r}; choose one of {', '.join(available())}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    known = {f.name for f in fields(Profile)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    return Profile(**data)


def profile_for(config: DeadlinesConfig) -> Profile:
    """The named profile with the council's own overrides applied."""
    profile = load_profile(config.profile)
    overrides = {
        f.name: getattr(config, f.name)
        for f in fields(Profile)
        if hasattr(config, f.name) and getattr(config, f.name) is not None and f.name not in ("name",)
    }
    return replace(profile, **overrides)

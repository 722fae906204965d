"""Helpers for one-rule tests: a council config, a rule context, a state from literal RFC 5322 text.

Findings that a test needs to be true are injected directly (``findings=``), so these
tests never depend on the text classifiers' scores, which are retrained separately.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

from bot.config import Config, load_config
from bot.directory import Directory, load_directory
from bot.parse import parse_message
from bot.state import MessageState
from classifiers.findings import Evidence, Finding
from rules.base import RuleContext
from tests.conftest import write_config


def finding(label: str, value: bool = True, kind: str | None = None, evidence: tuple[Evidence, ...] = ()) -> Finding:
    return Finding(label, value, 1.0 if value else 0.0, "test", evidence, kind=kind)


@pytest.fixture
def council(config_dir: Path) -> Callable[..., Config]:
    """``council(extra_toml)`` → a loaded config for the demo council (Brackenford) in a temp folder."""

    def make(extra: str = "") -> Config:
        return load_config(write_config(config_dir, extra=extra))

    return make


@pytest.fixture
def config(council: Callable[..., Config]) -> Config:
    return council()


@pytest.fixture
def directory(config: Config) -> Directory:
    return load_directory(config)


def context(config: Config, directory: Directory | None = None) -> RuleContext:
    return RuleContext(config=config, directory=directory or load_directory(config),
                       clock=lambda: datetime(2026, 11, 16, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def ctx(config: Config, directory: Directory) -> RuleContext:
    return context(config, directory)


def state_of(raw: bytes, directory: Directory, **findings: Any) -> MessageState:
    """A state as the classify stage leaves it: member from the roster, findings injected."""
    message = parse_message(raw, "test")
    state = MessageState(message=message)
    state.member = directory.member_by_email(message.sender.email) if message.sender else None
    state.findings = {"enquiry": finding("enquiry")}
    for label, value in findings.items():
        state.findings[label] = value if isinstance(value, Finding) else finding(label, True, value if isinstance(value, str) else None)
    return state

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.directory import Directory, load_directory
from classifiers.pipeline import Detectors
from tests.conftest import ROOT


@pytest.fixture(scope="session")
def directory() -> Directory:
    return load_directory(load_config(ROOT / "config.example.toml"))


@pytest.fixture(scope="session")
def shipped(directory: Directory) -> Detectors:
    return Detectors.load(directory)


@pytest.fixture(scope="session")
def blank(directory: Directory, blank_detectors_factory) -> Detectors:  # type: ignore[no-untyped-def]
    return blank_detectors_factory(directory)

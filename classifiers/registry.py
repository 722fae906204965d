"""Detectors register under versioned names (``mq.third_party_cc.v1``), as spaCy does,
so that behaviour can change without breaking an existing config; the CLI lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from bot.directory import Directory
from bot.message import Message
from classifiers.findings import Finding


@dataclass(frozen=True)
class DetectorInfo:
    name: str
    description: str
    labels: tuple[str, ...]
    factory: Callable[..., Any]


DETECTORS: dict[str, DetectorInfo] = {}


def detector(name: str, description: str, labels: tuple[str, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(factory: Callable[..., Any]) -> Callable[..., Any]:
        if name in DETECTORS:
            raise ValueError(f"duplicate detector name {name!r}")
        DETECTORS[name] = DetectorInfo(name, description, labels, factory)
        return factory

    return wrap


HeaderDetector = Callable[[Message, Directory], list[Finding]]

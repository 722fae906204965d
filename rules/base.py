"""The rule contract and registry (after GNU Mailman's rules).

A rule is a small class with a unique kebab-case ``name``, a one-sentence
``description``, the ``paragraph`` of the protocol it implements, and
``check(context, state) -> bool``. It records its reasons with ``state.record`` and
never acts: chains (data, in :mod:`rules.chain`) say what a hit means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, ClassVar

from bot.config import Config
from bot.directory import Directory
from bot.state import MessageState


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may consult. Passed in; nothing global."""

    config: Config
    directory: Directory
    clock: Callable[[], datetime]
    extras: dict[str, object] = field(default_factory=dict)


class Rule:
    name: ClassVar[str]
    description: ClassVar[str]
    paragraph: ClassVar[str] = ""

    def check(self, ctx: RuleContext, state: MessageState) -> bool:  # pragma: no cover - interface
        raise NotImplementedError


RULES: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    if not getattr(cls, "name", "") or not getattr(cls, "description", ""):
        raise TypeError(f"{cls.__qualname__}: a rule needs a name and a description")
    if cls.name in RULES and RULES[cls.name] is not cls:
        raise ValueError(f"duplicate rule name {cls.name!r}: {RULES[cls.name].__module__} and {cls.__module__}")
    RULES[cls.name] = cls
    return cls

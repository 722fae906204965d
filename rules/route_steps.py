"""Protocol routes tried in order before the council's service cues (extended in the rules issue)."""

from __future__ import annotations

from typing import Callable

from bot.state import MessageState, Route
from rules.base import RuleContext
from rules.routing import triage_route


def unknown_sender(ctx: RuleContext, state: MessageState) -> Route | None:
    if state.member is None:
        return triage_route(ctx, "sender is not on the members roster: human triage, no automatic reply")
    return None


DEFAULT_ROUTE_STEPS: tuple[Callable[[RuleContext, MessageState], Route | None], ...] = (unknown_sender,)

from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class AutoResponseSuppressed(Rule):
    name = "auto-response-suppressed"
    description = "The sender asked for no automatic responses (X-Auto-Response-Suppress)."
    paragraph = "MS-OXCMAIL 2.2.3.2.20; loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        value = state.message.header("x-auto-response-suppress").strip()
        if value and value.lower() != "none":
            return state.record(self.name, True, f"X-Auto-Response-Suppress: {value[:60]}")
        return state.record(self.name, False, "no X-Auto-Response-Suppress header")

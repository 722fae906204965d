from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_BULK = {"bulk", "list", "junk", "auto_reply"}


@register
class BulkPrecedence(Rule):
    name = "bulk-precedence"
    description = "Precedence: bulk, list or junk marks mass mail that must never be answered."
    paragraph = "RFC 3834 s.2; loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        value = state.message.header("precedence").strip().lower()
        if value in _BULK:
            return state.record(self.name, True, f"Precedence: {value}")
        return state.record(self.name, False, "no bulk Precedence header")

from __future__ import annotations

import re

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class AutoSubmitted(Rule):
    name = "auto-submitted"
    description = "The message says it was sent by a robot (RFC 3834 Auto-Submitted other than 'no')."
    paragraph = "RFC 3834 s.2; loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        value = state.message.header("auto-submitted").strip().lower()
        # RFC 3834 s.5: a keyword, optionally followed by parameters or a comment.
        keyword = re.split(r"[;(\s]", value, maxsplit=1)[0] if value else ""
        if value and keyword != "no":
            return state.record(self.name, True, f"Auto-Submitted: {value[:60]}")
        return state.record(self.name, False, "no Auto-Submitted header, or 'no'")

from __future__ import annotations

import re

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_FAIL = re.compile(r"\b(spf=(fail|softfail|permerror)|dkim=fail|dmarc=fail|compauth=fail)\b", re.I)


@register
class AuthenticationFailed(Rule):
    name = "authentication-failed"
    description = "SPF, DKIM or DMARC failed (Authentication-Results): the sender may be spoofed, so nothing is sent."
    paragraph = "RFC 8601; spoofed senders"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        results = state.message.header("authentication-results")
        hit = _FAIL.search(results)
        if hit:
            return state.record(self.name, True, f"Authentication-Results: {hit.group(0)}")
        return state.record(self.name, False, "no authentication failure recorded")

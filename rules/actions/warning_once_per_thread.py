from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class WarningOncePerThread(Rule):
    name = "warning-once-per-thread"
    description = "At most one warning of a kind per thread: drop a planned warning the member already had in this thread."
    paragraph = "courtesy: members are reminded once, not nagged"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        already = set(ctx.extras.get("warned_in_thread", set()) or set())
        dropped = [a.kind for a in state.planned if a.kind.startswith("warning_") and a.kind in already]
        if not dropped:
            return state.record(self.name, False, "no repeat warning planned")
        state.planned = [a for a in state.planned if a.kind not in dropped]
        return state.record(self.name, True, "already warned in this thread: " + ", ".join(dropped))

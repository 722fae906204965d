from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class MemberDailyCap(Rule):
    name = "member-daily-warning-cap"
    description = "No more than the configured number of warnings to one member per day; the rest are dropped (recorded, not sent)."
    paragraph = "bot.warnings_per_member_per_day"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        cap = ctx.config.bot.warnings_per_member_per_day
        sent_today = int(ctx.extras.get("warnings_today", 0) or 0)
        warnings = [a for a in state.planned if a.kind.startswith("warning_")]
        room = max(0, cap - sent_today)
        if len(warnings) <= room:
            return state.record(self.name, False, f"{sent_today} warning(s) today, cap {cap}")
        keep = {id(a) for a in warnings[:room]}
        dropped = [a.kind for a in warnings if id(a) not in keep]
        state.planned = [a for a in state.planned if not a.kind.startswith("warning_") or id(a) in keep]
        return state.record(self.name, True, f"cap of {cap} a day reached: dropped " + ", ".join(dropped))

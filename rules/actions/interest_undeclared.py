from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class InterestUndeclared(Rule):
    name = "interest-undeclared"
    description = "A personal interest is revealed but not clearly declared: ask the member to state its nature."
    paragraph = "Rushcliffe: raise personal-interest matters in writing, stating existence and nature of the interest"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if state.member is None or state.kind("personal_interest") != "undeclared":
            return state.record(self.name, False, "no undeclared personal interest")
        return state.record(self.name, True, "interest revealed but not declared")

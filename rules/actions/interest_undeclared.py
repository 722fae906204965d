from __future__ import annotations

from bot.state import MessageState
from classifiers.findings import stake_unquoted
from rules.base import Rule, RuleContext, register


@register
class InterestUndeclared(Rule):
    name = "interest-undeclared"
    description = ("A personal interest is revealed, with its stake quoted from the text, but not clearly declared: ask the member to "
                   "state its nature. Found by the classifier alone, it is left for staff to judge.")
    paragraph = "Rushcliffe: raise personal-interest matters in writing, stating existence and nature of the interest"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if state.member is None or state.kind("personal_interest") != "undeclared":
            return state.record(self.name, False, "no undeclared personal interest")
        if stake_unquoted(state.findings.get("personal_interest")):
            # Leave-one-council-out: a fifth of the interests found with no stake to quote
            # are none (against one in sixteen with a quoted stake). A warning a councillor
            # cannot match to anything they wrote costs the bot their trust; the case still
            # carries the finding and the Monitoring Officer's notice, for staff to judge.
            return state.record(self.name, False, "possible interest found by the classifier alone, no stake quoted: staff to judge")
        return state.record(self.name, True, "interest revealed but not declared")

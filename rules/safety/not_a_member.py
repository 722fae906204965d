from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class NotAMember(Rule):
    name = "not-a-member"
    description = "The sender is not on the members roster: a person triages it and nothing automatic is sent."
    paragraph = "unknown senders go to a human triage queue"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if state.member is None:
            return state.record(self.name, True, "sender not matched to the members roster")
        return state.record(self.name, False, f"sender is {state.member.name}")

from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class PersonalAddressUsed(Rule):
    name = "personal-address-used"
    description = "A member wrote from a personal address: remind them, at their council address, to use it."
    paragraph = "Section 17.13.2"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if state.member is None or not state.flag("personal_address"):
            return state.record(self.name, False, "council address or not a member")
        sender = state.message.sender.email if state.message.sender else ""
        return state.record(self.name, True, f"wrote from outside the council's domains ({sender.rpartition('@')[2]})")

from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class Preexisting(Rule):
    name = "preexisting-mail"
    description = "Mail that was in the mailbox before the bot was enabled is recorded but never acknowledged or warned about."
    paragraph = "first start on an existing mailbox"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if state.preexisting:
            return state.record(self.name, True, "received before the bot's first poll of this mailbox")
        return state.record(self.name, False, "new mail")

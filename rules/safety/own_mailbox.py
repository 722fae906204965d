from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class OwnMailbox(Rule):
    name = "own-mailbox"
    description = "Mail from the bot's own mailbox, or carrying the bot's own key header, is never answered."
    paragraph = "loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        msg = state.message
        if msg.sender and ctx.directory.is_mailbox(msg.sender.email):
            return state.record(self.name, True, "sender is the Member Queries mailbox")
        if msg.header("x-mq-idempotency-key"):
            return state.record(self.name, True, "carries X-MQ-Idempotency-Key: our own mail")
        return state.record(self.name, False, "not our own mail")

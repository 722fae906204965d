from __future__ import annotations

import re

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_ROBOT_LOCAL = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?|notifications?|auto[-_.]?reply)([+\-_.].*)?$", re.I)


@register
class RobotSender(Rule):
    name = "robot-sender"
    description = "No-reply, mailer-daemon and postmaster senders, or no sender at all."
    paragraph = "loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        sender = state.message.sender
        if sender is None:
            return state.record(self.name, True, "no From address")
        local = sender.email.partition("@")[0]
        if _ROBOT_LOCAL.match(local):
            return state.record(self.name, True, f"robot local part: {local}")
        if not state.message.header("return-path").strip("<> ") and state.message.header("return-path"):
            return state.record(self.name, True, "null Return-Path (a bounce)")
        return state.record(self.name, False, "sender is not a robot address")

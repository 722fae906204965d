from __future__ import annotations

import re

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_REPORT = re.compile(r"multipart/report|message/delivery-status|message/disposition-notification", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|delivery status notification|mail delivery (failed|failure|subsystem)|"
    r"returned mail|failure notice|delivery (has )?failed|read:|read receipt|not read:|message not delivered)",
    re.I,
)


@register
class DeliveryReport(Rule):
    name = "delivery-report"
    description = "Bounces, delivery status notifications and read receipts (by MIME type or subject)."
    paragraph = "RFC 3464 / RFC 8098; loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        msg = state.message
        ctype = msg.header("content-type") or msg.content_type
        if _REPORT.search(ctype) or any(_REPORT.search(a.content_type) for a in msg.attachments):
            return state.record(self.name, True, f"report content type: {ctype.split(';')[0]}")
        if _BOUNCE_SUBJECT.match(msg.subject):
            return state.record(self.name, True, f"subject reads as a report: {msg.subject[:60]}")
        return state.record(self.name, False, "not a delivery or read report")

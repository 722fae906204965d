from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class NeedsAcknowledgement(Rule):
    name = "needs-acknowledgement"
    description = "A member's enquiry that opens a new case gets an acknowledgement naming its reference, service and due date."
    paragraph = "Section 17.8.2; Rushcliffe Appendix 1, casework ('a reply within five working days')"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if not state.flag("enquiry"):
            return state.record(self.name, False, "not an enquiry")
        if state.member is None:
            return state.record(self.name, False, "sender is not a member")
        if ctx.extras.get("existing_case"):
            return state.record(self.name, False, "continues an existing case")
        return state.record(self.name, True, "new enquiry from a member")

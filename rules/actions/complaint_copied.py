from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_PEOPLE = {"officer", "chief_officer", "chief_executive"}


@register
class ComplaintCopied(Rule):
    name = "complaint-copied"
    description = "A complaint about an officer was copied to others: remind the member of the route for complaints."
    paragraph = "Rutland 13 ('avoid copying in people to complaints about officers'); Section 17.7.1"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        about = state.kind("complaint")
        if state.member is None or about not in _PEOPLE:
            return state.record(self.name, False, "no complaint about an officer")
        if not state.flag("third_party_cc"):
            return state.record(self.name, False, "complaint sent only to the mailbox")
        return state.record(self.name, True, f"complaint about {about.replace('_', ' ')} copied to others")

from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register


@register
class ThirdPartyCopied(Rule):
    name = "third-party-copied"
    description = "A member copied third parties into correspondence with officers: warn the member alone."
    paragraph = "Rutland 9 (Member Queries: 'third parties should not be copied into correspondence') and 6.1"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        finding = state.findings.get("third_party_cc")
        if finding is None or not finding.value:
            return state.record(self.name, False, "no third party in To/Cc")
        kinds = finding.details.get("third_parties", [])
        return state.record(self.name, True, f"{len(kinds)} third part{'y' if len(kinds) == 1 else 'ies'} copied in")

from __future__ import annotations

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post", "list-help")


@register
class ListMail(Rule):
    name = "list-mail"
    description = "Mail from a mailing list or newsletter (List-* headers) is never answered."
    paragraph = "RFC 2369/2919; loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        present = [h for h in _LIST_HEADERS if state.message.header(h)]
        if present:
            return state.record(self.name, True, "list headers: " + ", ".join(present))
        return state.record(self.name, False, "no List-* headers")

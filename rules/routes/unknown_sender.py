from __future__ import annotations

from bot.state import MessageState, Route
from rules.base import RuleContext, register
from rules.routes import RouteRule
from rules.routing import person_for, protocol_config, triage_route


@register
class UnknownSender(RouteRule):
    name = "unknown-sender"
    description = "A sender not on the members roster goes to the human triage queue; nothing automatic is sent."
    paragraph = "Section 17.13.2 (members write from their council address); the protocols cover councillors only"

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:
        if state.member is not None:
            state.record(self.name, False, f"sender is Cllr {state.member.name}")
            return None
        sender = state.message.sender.email if state.message.sender else "no sender"
        route = triage_route(ctx, f"sender {sender} is not on the members roster: human triage, no automatic reply")
        cfg = protocol_config(ctx, self.name)
        if cfg.mailbox:
            route = Route(route.service, person_for(ctx, cfg.mailbox)[0] or route.mailbox, route.reason, triage=True)
        state.record(self.name, True, "sender not on the members roster", f"→ triage ({route.mailbox})")
        return route

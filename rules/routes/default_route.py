from __future__ import annotations

from bot.state import MessageState, Route
from rules.base import RuleContext, register
from rules.routes import RouteRule
from rules.routing import default_route


@register
class DefaultRoute(RouteRule):
    name = "default-route"
    description = "Nothing else matched: the council's default route ([routing] default_route), usually Democratic Services."
    paragraph = "Rushcliffe 'Supporting Front-line Councillors' (casework to a Director or a designated officer within Customer Services)"

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:
        route = default_route(ctx, state)
        state.record(self.name, True, f"default route {route.service}", f"→ {route.mailbox}")
        return route

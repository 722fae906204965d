"""Route a case to a service: protocol routes first (in :mod:`rules.chain`), then the
council's own service cues, then the default route."""

from __future__ import annotations

from bot.state import MessageState, Route
from rules.base import RuleContext


def default_route(ctx: RuleContext, state: MessageState) -> Route:
    routing = ctx.config.routing
    service = routing.default_route
    cfg = routing.services.get(service)
    head = ctx.directory.head_of_service(service)
    return Route(
        service=service,
        mailbox=(cfg.mailbox if cfg and cfg.mailbox else (head.email if head else ctx.directory.mailbox)),
        reason="no service cue matched: default route",
        manager=(cfg.manager if cfg else "") or (head.email if head else ""),
    )


def triage_route(ctx: RuleContext, reason: str) -> Route:
    routing = ctx.config.routing
    return Route(service="triage", mailbox=routing.triage_mailbox or ctx.directory.mailbox, reason=reason, triage=True)

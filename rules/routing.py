"""Building routes: a service's team, a named person, the triage queue.

The routing rules (``rules/routes/``) decide *which* route; these helpers turn a
service key or a roster role into a :class:`~bot.state.Route` with a mailbox and a
manager (who is told when a case is overdue), honouring the council's config.
"""

from __future__ import annotations

from bot.config import ProtocolRouteConfig
from bot.directory import Officer
from bot.state import MessageState, Route
from rules.base import RuleContext

PERSON_ROLES = ("chief_executive", "monitoring_officer", "s151_officer", "director", "head_of_service")


def protocol_config(ctx: RuleContext, rule: str) -> ProtocolRouteConfig:
    return ctx.config.routing.protocol.get(rule) or ProtocolRouteConfig()


def service_route(ctx: RuleContext, service: str, reason: str, *, mailbox: str = "", manager: str = "",
                  notify: tuple[str, ...] = ()) -> Route:
    """The team for ``service``: its configured mailbox, else its Head of Service, else the mailbox."""
    cfg = ctx.config.routing.services.get(service)
    head = ctx.directory.head_of_service(service)
    director = ctx.directory.director_for(service)
    box = mailbox or (cfg.mailbox if cfg and cfg.mailbox else "") or (head.email if head else "") or ctx.directory.mailbox
    boss = manager or (cfg.manager if cfg and cfg.manager else "")
    if not boss:
        # The manager is the next person up from whoever holds the case.
        if head and head.email != box:
            boss = head.email
        elif director and director.email != box:
            boss = director.email
    return Route(service=service, mailbox=box.lower(), reason=reason, notify=tuple(notify), manager=boss.lower())


def default_route(ctx: RuleContext, state: MessageState | None = None) -> Route:
    return service_route(ctx, ctx.config.routing.default_route, "no service cue matched: default route")


def triage_route(ctx: RuleContext, reason: str) -> Route:
    routing = ctx.config.routing
    return Route(service="triage", mailbox=routing.triage_mailbox or ctx.directory.mailbox, reason=reason, triage=True)


def person_for(ctx: RuleContext, role_or_address: str) -> tuple[str, str]:
    """``(address, who)`` for a roster role, ``leader`` or a literal address; ``("", "")`` if unknown."""
    value = role_or_address.strip()
    if "@" in value:
        return value.lower(), value.lower()
    if value == "leader":
        leader = ctx.directory.leader()
        return (leader.email, f"the Leader of the Council ({leader.name})") if leader else ("", "")
    officer = ctx.directory.first_with_role(value)
    if officer is None:
        return "", ""
    return officer.email, f"{officer.name} ({value.replace('_', ' ')})"


def addresses(ctx: RuleContext, items: list[str] | tuple[str, ...], *, exclude: set[str] = frozenset()) -> tuple[str, ...]:  # type: ignore[assignment]
    """Resolve roles/addresses to distinct addresses, leaving out ``exclude`` (e.g. the accused)."""
    out: list[str] = []
    for item in items:
        address, _ = person_for(ctx, item)
        if address and address not in exclude and address not in out:
            out.append(address)
    return tuple(out)


def officer_title(officer: Officer) -> str:
    return f"{officer.name} ({officer.role.replace('_', ' ')}{', ' + officer.service if officer.service else ''})"

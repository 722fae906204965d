"""Run the chains over one message's state: suppressions, route, deadline, plans.

This is the "decide" stage. It reads findings and the directory and writes only to the
state object; it never touches a mailbox or the outbox.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, replace

import rules
from bot.config import ConfigError
from bot.state import MessageState, PlannedAction, Route
from rules.base import RULES, Rule, RuleContext
from rules.chain import ACTION_CHAIN, ROUTING_CHAIN, SAFETY_CHAIN, Link, LIMIT_CHAIN
from rules.deadlines import deadline_for
from rules.profiles import Profile, profile_for
from rules.routing import default_route, protocol_config
from rules.workdays import WorkingCalendar


def load_all_rules() -> dict[str, type[Rule]]:
    """Import every module under :mod:`rules` so each rule registers itself."""
    for info in pkgutil.walk_packages(rules.__path__, prefix="rules."):
        if not info.name.startswith("rules.profiles"):
            importlib.import_module(info.name)
    return dict(RULES)


def routing_chain_for(config) -> tuple[Link, ...]:  # type: ignore[no-untyped-def]
    """The built-in routing chain, reordered or trimmed by ``[routing] chain``; checks the config."""
    registry = load_all_rules()
    from rules.routes import AnnotateRule, RouteRule

    by_name = {link.rule: link for link in ROUTING_CHAIN}
    routing = config.routing
    source = getattr(config, "source", "config")
    unknown = sorted(set(routing.protocol) - set(by_name))
    if unknown:
        raise ConfigError(f"{source}: routing.protocol.{unknown[0]}: unknown route; routes are {', '.join(by_name)}")
    if not routing.chain:
        chain = ROUTING_CHAIN
    else:
        bad = [name for name in routing.chain if name not in by_name]
        if bad:
            raise ConfigError(f"{source}: routing.chain: unknown route {bad[0]!r}; routes are {', '.join(by_name)}")
        names = list(dict.fromkeys(routing.chain))
        if "default-route" not in names:
            names.append("default-route")  # every message gets a route
        chain = tuple(by_name[name] for name in names)
    for link in chain:
        cls = registry.get(link.rule)
        if cls is None or not issubclass(cls, (RouteRule, AnnotateRule)):
            raise ValueError(f"routing chain names {link.rule!r}, which is not a routing rule")
    return chain


@dataclass
class Engine:
    calendar: WorkingCalendar
    profile: Profile
    safety_chain: tuple[Link, ...] = SAFETY_CHAIN
    action_chain: tuple[Link, ...] = ACTION_CHAIN
    routing_chain: tuple[Link, ...] = ROUTING_CHAIN
    limit_chain: tuple[Link, ...] = LIMIT_CHAIN

    def __post_init__(self) -> None:
        registry = load_all_rules()
        links = (*self.safety_chain, *self.action_chain, *self.routing_chain, *self.limit_chain)
        missing = [l.rule for l in links if l.rule not in registry]
        if missing:
            raise ValueError(f"chain names unknown rule(s): {', '.join(missing)}")
        self._rules = {name: cls() for name, cls in registry.items()}

    @classmethod
    def from_config(cls, config) -> "Engine":  # type: ignore[no-untyped-def]
        try:
            profile = profile_for(config.deadlines)
        except ConfigError as exc:
            raise ConfigError(f"{getattr(config, 'source', 'config')}: {exc}") from None
        return cls(calendar=WorkingCalendar.from_config(config.council), profile=profile, routing_chain=routing_chain_for(config))

    def decide(self, ctx: RuleContext, state: MessageState) -> None:
        for link in self.safety_chain:
            if self._rules[link.rule].check(ctx, state):
                state.suppress_automatic_mail.append(link.rule)
        state.route = self.route(ctx, state)
        if state.flag("enquiry"):
            state.deadline = deadline_for(state.message.received, self.calendar, self.profile,
                                          text=f"{state.message.subject}\n{state.message.new_text}")
        for link in self.action_chain:
            if self._rules[link.rule].check(ctx, state) and link.action == "plan":
                self._plan(state, link.target)
        for link in self.limit_chain:
            self._rules[link.rule].check(ctx, state)  # limits trim state.planned and record why

    def route(self, ctx: RuleContext, state: MessageState) -> Route:
        """Every routing rule is evaluated and recorded; the first ``route`` hit wins."""
        chosen: Route | None = None
        winner = ""
        annotations = []
        for link in self.routing_chain:
            rule = self._rules[link.rule]
            if not protocol_config(ctx, link.rule).enabled:
                state.record(link.rule, False, "disabled in the council's config")
                continue
            if link.action == "annotate":
                if rule.check(ctx, state):
                    annotations.append(rule)
                continue
            proposal = rule.propose(ctx, state)  # type: ignore[attr-defined]
            if proposal is not None and chosen is None:
                chosen, winner = proposal, link.rule
        if chosen is None:  # only when a council's chain has dropped the default route's rule
            chosen, winner = default_route(ctx, state), "default-route"
        for rule in annotations:
            chosen = rule.apply(ctx, state, chosen)  # type: ignore[attr-defined]
        if state.member is None and not chosen.triage:
            chosen = replace(chosen, triage=True,
                             reason=f"{chosen.reason}; sender is not on the members roster, so a person checks it first")
        state.record("route", True, f"{winner} → {chosen.service} ({chosen.mailbox})", chosen.reason)
        return chosen

    def _plan(self, state: MessageState, kind: str) -> None:
        if state.member is None:
            return
        # Always the member's roster address: never reply-all, never an address that
        # merely claims a member's name.
        state.plan(PlannedAction(kind=kind, to=state.member.email, reason=kind))

    def rules(self) -> dict[str, Rule]:
        return dict(self._rules)

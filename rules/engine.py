"""Run the chains over one message's state: suppressions, route, deadline, plans.

This is the "decide" stage. It reads findings and the directory and writes only to the
state object; it never touches a mailbox or the outbox.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

import rules
from bot.state import MessageState, PlannedAction
from rules.base import RULES, Rule, RuleContext
from rules.chain import ACTION_CHAIN, SAFETY_CHAIN, Link
from rules.deadlines import deadline_for
from rules.profiles import Profile, profile_for
from rules.routing import default_route, triage_route
from rules.workdays import WorkingCalendar

# Hooks other modules register to take part in routing (protocol routes, cue routing).
RouteStep = Callable[[RuleContext, MessageState], "object | None"]


def load_all_rules() -> dict[str, type[Rule]]:
    """Import every module under :mod:`rules` so each rule registers itself."""
    for info in pkgutil.walk_packages(rules.__path__, prefix="rules."):
        if not info.name.startswith("rules.profiles"):
            importlib.import_module(info.name)
    return dict(RULES)


@dataclass
class Engine:
    calendar: WorkingCalendar
    profile: Profile
    safety_chain: tuple[Link, ...] = SAFETY_CHAIN
    action_chain: tuple[Link, ...] = ACTION_CHAIN
    route_steps: list[RouteStep] = field(default_factory=list)

    def __post_init__(self) -> None:
        registry = load_all_rules()
        missing = [l.rule for l in (*self.safety_chain, *self.action_chain) if l.rule not in registry]
        if missing:
            raise ValueError(f"chain names unknown rule(s): {', '.join(missing)}")
        self._rules = {name: cls() for name, cls in registry.items()}
        if not self.route_steps:
            from rules.route_steps import DEFAULT_ROUTE_STEPS

            self.route_steps = list(DEFAULT_ROUTE_STEPS)

    @classmethod
    def from_config(cls, config) -> "Engine":  # type: ignore[no-untyped-def]
        return cls(calendar=WorkingCalendar.from_config(config.council), profile=profile_for(config.deadlines))

    def decide(self, ctx: RuleContext, state: MessageState) -> None:
        for link in self.safety_chain:
            if self._rules[link.rule].check(ctx, state):
                state.suppress_automatic_mail.append(link.rule)
        state.route = self._route(ctx, state)
        if state.flag("enquiry"):
            state.deadline = deadline_for(state.message.received, self.calendar, self.profile)
        for link in self.action_chain:
            if self._rules[link.rule].check(ctx, state) and link.action == "plan":
                self._plan(state, link.target)

    def _route(self, ctx: RuleContext, state: MessageState):  # type: ignore[no-untyped-def]
        for step in self.route_steps:
            route = step(ctx, state)
            if route is not None:
                return route
        if state.member is None:
            return triage_route(ctx, "sender is not on the members roster")
        return default_route(ctx, state)

    def _plan(self, state: MessageState, kind: str) -> None:
        if state.member is None:
            return
        # Always the member's roster address: never reply-all, never an address that
        # merely claims a member's name.
        state.plan(PlannedAction(kind=kind, to=state.member.email, reason=kind))

    def rules(self) -> dict[str, Rule]:
        return dict(self._rules)

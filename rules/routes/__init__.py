"""The routing rules: one module each, run in the order of ``rules.chain.ROUTING_CHAIN``.

A routing rule is a :class:`~rules.base.Rule` that can also say *where*: ``propose``
returns a :class:`~bot.state.Route` (or ``None``) and records why, hit or miss, like
any rule; ``check`` is ``propose(...) is not None``. The engine takes the first
proposal in chain order. An annotating rule (``apply``) does not choose the route: it
amends whichever route won (extra people told, a note for the officer).
"""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from bot.state import MessageState, Route
from rules.base import Rule, RuleContext
from rules.routing import person_for, protocol_config, service_route
from rules.text import CueMatcher, best_key, describe, doc_of


class RouteRule(Rule):
    """See :class:`rules.base.Rule`; adds ``propose``."""

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:  # pragma: no cover - interface
        raise NotImplementedError

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        return self.propose(ctx, state) is not None


class AnnotateRule(Rule):
    """A routing-chain rule that amends the chosen route instead of choosing one."""

    def apply(self, ctx: RuleContext, state: MessageState, route: Route) -> Route:  # pragma: no cover - interface
        raise NotImplementedError


@lru_cache(maxsize=64)
def _matcher(cues: tuple[str, ...]) -> CueMatcher:
    return CueMatcher({"cue": cues})


class CueRouteRule(RouteRule):
    """A protocol route chosen by built-in (overridable) phrase cues, to a service's team."""

    cues: ClassVar[tuple[str, ...]] = ()
    service: ClassVar[str] = ""
    what: ClassVar[str] = ""  # "a Freedom of Information request", for the reason text

    def cue_list(self, ctx: RuleContext) -> tuple[str, ...]:
        cfg = protocol_config(ctx, self.name)
        base = tuple(cfg.cues) if cfg.cues is not None else self.cues
        return tuple(dict.fromkeys((*base, *cfg.extra_cues)))

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:
        cues = self.cue_list(ctx)
        hits = _matcher(cues).hits(doc_of(state)) if cues else []
        if not hits:
            state.record(self.name, False, f"no cue for {self.what}")
            return None
        cfg = protocol_config(ctx, self.name)
        service = cfg.service or self.service
        best = best_key(hits)
        assert best is not None
        route = service_route(ctx, service, f"{self.what} ({describe(best[2])}): {service.replace('_', ' ')}",
                              mailbox=person_for(ctx, cfg.mailbox)[0] if cfg.mailbox else "",
                              manager=person_for(ctx, cfg.manager)[0] if cfg.manager else "")
        state.record(self.name, True, f"cues {describe(best[2])}", f"→ {route.service} ({route.mailbox})")
        return route

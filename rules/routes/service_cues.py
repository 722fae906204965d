from __future__ import annotations

from bot.state import MessageState, Route
from rules.base import RuleContext, register
from rules.routes import RouteRule
from rules.routing import service_route
from rules.text import CueHit, CueMatcher, best_key, describe, doc_of

_CACHE: dict[int, tuple[object, CueMatcher]] = {}


def matcher_for(ctx: RuleContext) -> CueMatcher:
    """One matcher per routing config (built once: patterns are lemmatized when built)."""
    routing = ctx.config.routing
    cached = _CACHE.get(id(routing))
    if cached is not None and cached[0] is routing:
        return cached[1]
    # A service's own name is a cue too: "Could Environmental Health confirm ...".
    matcher = CueMatcher({key: [*svc.cues, *([svc.name] if svc.name else [])] for key, svc in routing.services.items()})
    _CACHE[id(routing)] = (routing, matcher)
    return matcher


@register
class ServiceCues(RouteRule):
    name = "service-cues"
    description = "The council's own services, by the cues (and name) in [routing.services.*] matched on words and lemmas (most weight wins)."
    paragraph = "Rushcliffe 'Supporting Front-line Councillors' (raise casework with an appropriate Director); Section 17.8.1"

    def scored(self, ctx: RuleContext, state: MessageState) -> tuple[str, float, list[CueHit]] | None:
        return best_key(matcher_for(ctx).hits(doc_of(state)))

    def best_service(self, ctx: RuleContext, state: MessageState) -> str | None:
        best = self.scored(ctx, state)
        return best[0] if best else None

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:
        best = self.scored(ctx, state)
        if best is None:
            state.record(self.name, False, "no service cue in the text")
            return None
        key, score, hits = best
        cfg = ctx.config.routing.services[key]
        name = cfg.name or key.replace("_", " ")
        route = service_route(ctx, key, f"service cues for {name}: {describe(hits)}")
        state.record(self.name, True, f"{name} (weight {score:g}): {describe(hits)}", f"→ {route.mailbox}")
        return route

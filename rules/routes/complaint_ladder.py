from __future__ import annotations

from bot.directory import Officer
from bot.state import MessageState, Route
from rules.base import RuleContext, register
from rules.people import officer_by_name, officers_named
from rules.routes import RouteRule
from rules.routing import addresses, officer_title, person_for, protocol_config
from rules.routes.service_cues import ServiceCues

CHIEF_ROLES = ("director", "monitoring_officer", "s151_officer")
RANK = {"officer": 1, "head_of_service": 2, "director": 3, "monitoring_officer": 3, "s151_officer": 3, "chief_executive": 4}


@register
class ComplaintLadder(RouteRule):
    name = "complaint-ladder"
    description = ("A complaint about an officer goes to that officer's Head of Service or Director; about a director or "
                   "statutory officer to the Chief Executive; about the Chief Executive to the Leader of the Council.")
    paragraph = "Section 17.4.2 and 17.7.1; Rutland 13 (complaints about officers); county guidance 8.1"

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:
        about = state.kind("complaint")
        if about not in ("officer", "chief_officer", "chief_executive"):
            state.record(self.name, False, "no complaint about a person" if about is None else "complaint about how a matter was handled, not a person")
            return None
        accused = self._accused(ctx, state, about)
        if accused is not None and accused.role == "chief_executive":
            about = "chief_executive"
        elif accused is not None and accused.role in CHIEF_ROLES:
            about = "chief_officer"
        cfg = protocol_config(ctx, self.name)
        if about == "chief_executive":
            route = self._to_leader(ctx, state, accused)
        elif about == "chief_officer":
            route = self._to_chief_executive(ctx, accused)
        else:
            route = self._to_line_manager(ctx, state, accused)
        if route is None:
            state.record(self.name, False, f"complaint about {about.replace('_', ' ')} but nobody on the rosters to take it")
            return None
        excluded = {accused.email} if accused else set()
        notify_items = cfg.notify if cfg.notify is not None else (["monitoring_officer"] if about == "chief_executive" else [])
        notify = addresses(ctx, notify_items, exclude=excluded | {route.mailbox})
        if cfg.mailbox:
            override, _ = person_for(ctx, cfg.mailbox)
            if override and override not in excluded:
                route = Route(route.service, override, route.reason, route.notify, route.manager)
        route = Route(service=cfg.service or route.service, mailbox=route.mailbox, reason=route.reason, notify=notify,
                      manager=(person_for(ctx, cfg.manager)[0] if cfg.manager else route.manager))
        state.record(self.name, True, f"complaint about {about.replace('_', ' ')}" + (f": {officer_title(accused)}" if accused else ""),
                     f"→ {route.mailbox}")
        return route

    # --- who the complaint is about -------------------------------------------------
    def _accused(self, ctx: RuleContext, state: MessageState, about: str) -> Officer | None:
        finding = state.findings.get("complaint")
        for evidence in finding.evidence if finding else ():
            if evidence.detail.startswith("names "):
                officer = officer_by_name(ctx.directory, evidence.text)
                if officer is not None:
                    return officer
        named = officers_named(ctx.directory, state.message.new_text + "\n" + state.message.subject)
        if not named:
            return None
        wanted = {"chief_executive": ("chief_executive",), "chief_officer": CHIEF_ROLES}.get(about, ("officer", "head_of_service"))
        matching = [o for o in named if o.role in wanted]
        return (matching or sorted(named, key=lambda o: -RANK.get(o.role, 1)))[0]

    # --- the rungs of the ladder ------------------------------------------------------
    def _to_line_manager(self, ctx: RuleContext, state: MessageState, accused: Officer | None) -> Route | None:
        if accused is not None:
            service = accused.service
            why = f"complaint about {officer_title(accused)}"
        else:
            guess = ServiceCues().best_service(ctx, state)
            service = guess or ctx.config.routing.default_route
            why = f"complaint about an officer not named on the roster ({'service cues: ' + service if guess else 'default service'})"
        chain: list[Officer | None] = []
        if accused is None or accused.role == "officer":
            chain.append(ctx.directory.head_of_service(service))
        chain += [ctx.directory.director_for(service), ctx.directory.first_with_role("chief_executive")]
        people = [o for o in chain if o is not None and (accused is None or o.email != accused.email)]
        if not people:
            return None
        target = people[0]
        manager = people[1].email if len(people) > 1 else ""
        rung = "Head of Service" if target.role == "head_of_service" else ("Director" if target.role == "director" else "Chief Executive")
        return Route(service=service, mailbox=target.email, reason=f"{why}: to the {rung}, {target.name}, not to the officer concerned",
                     manager=manager)

    def _to_chief_executive(self, ctx: RuleContext, accused: Officer | None) -> Route | None:
        ce = ctx.directory.first_with_role("chief_executive")
        who = officer_title(accused) if accused else "a director or statutory officer"
        if ce is None or (accused and ce.email == accused.email):
            return None
        return Route(service=ce.service or "corporate", mailbox=ce.email,
                     reason=f"complaint about {who}: to the Chief Executive, {ce.name}")

    def _to_leader(self, ctx: RuleContext, state: MessageState, accused: Officer | None) -> Route | None:
        leader = ctx.directory.leader()
        monitoring = ctx.directory.first_with_role("monitoring_officer")
        service = monitoring.service if monitoring and monitoring.service else "democratic_services"
        if leader is None or (state.member is not None and state.member.email == leader.email):
            # The Leader cannot receive their own complaint: the Monitoring Officer takes it.
            if monitoring is None:
                return None
            return Route(service=service, mailbox=monitoring.email,
                         reason=f"complaint about the Chief Executive{' from the Leader' if leader else ''}: to the Monitoring Officer, {monitoring.name}")
        return Route(service=service, mailbox=leader.email,
                     reason=f"complaint about the Chief Executive: to the Leader of the Council, Cllr {leader.name}",
                     manager=monitoring.email if monitoring else "")

from __future__ import annotations

from dataclasses import replace

from bot.state import MessageState, Route
from classifiers.findings import stake_unquoted
from rules.base import RuleContext, register
from rules.routes import AnnotateRule
from rules.routing import addresses, protocol_config

NOTE = ("Officers: treat this enquiry no more, or less, favourably than an enquiry from any other local person, "
        "and give the member the same information a member of the public would receive.")


@register
class PersonalInterest(AnnotateRule):
    name = "personal-interest"
    description = ("A personal interest stated or revealed: the case is marked, the Monitoring Officer is told, and the "
                   "officer handling it gets a note to treat the member no more or less favourably than any resident.")
    paragraph = ("Rushcliffe 'Supporting Front-line Councillors' (councillors state the existence and nature of a personal "
                 "interest; officers treat such enquiries no more, or less, favourably); Section 17.6.3; county guidance 6.7")

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        if state.member is None:
            return state.record(self.name, False, "sender is not a member")
        kind = state.kind("personal_interest")
        if kind is None:
            return state.record(self.name, False, "no personal interest stated or revealed")
        return state.record(self.name, True, f"personal interest {'declared' if kind == 'declared' else 'revealed but not declared'}")

    def apply(self, ctx: RuleContext, state: MessageState, route: Route) -> Route:
        cfg = protocol_config(ctx, self.name)
        told = addresses(ctx, cfg.notify if cfg.notify is not None else ["monitoring_officer"])
        # The note goes to whoever handles the case, as well as to the Monitoring Officer.
        notify = tuple(dict.fromkeys((*route.notify, *told, *(() if route.triage else (route.mailbox,)))))
        kind = "declared" if state.kind("personal_interest") == "declared" else "revealed but not declared"
        if stake_unquoted(state.findings.get("personal_interest")):
            kind = "possible: found by the classifier, with no stake quoted from the text"
        member = state.member.name if state.member else "the member"
        note = f"Personal interest ({kind}) of Cllr {member}: the Monitoring Officer is informed. {NOTE}"
        return replace(route, notify=notify, reason=f"{route.reason}. {note}")

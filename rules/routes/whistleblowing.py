from __future__ import annotations

from bot.state import MessageState, Route
from rules.base import RuleContext, register
from rules.people import members_named, officers_named
from rules.routes import RouteRule, _matcher
from rules.routing import addresses, person_for, protocol_config
from rules.text import describe, doc_of

CUES = (
    "fraud", "fraudulent", "fraudulently", "corruption", "corrupt", "corruptly", "bribe", "bribery", "backhander",
    "kickback", "kick-back", "embezzlement", "embezzle", "abuse of office", "abuse of position", "abuse of power",
    "abuse of his position", "abuse of her position", "abuse of their position", "misuse of public funds",
    "misuse of public money", "misconduct in public office", "whistleblowing", "whistle-blowing", "whistleblower",
    "blow the whistle",
)
# Words that make it an allegation about the council's own people or business, not
# (say) a resident's benefit fraud passed on, which is an ordinary revenues enquiry.
INSIDE = (
    "officer", "staff", "employee", "colleague", "councillor", "cllr", "contractor", "contract", "procurement",
    "tender", "invoice", "director", "manager", "head of service", "chief executive", "council employee",
)
EXPLICIT = frozenset({"whistleblowing", "whistle-blowing", "whistleblower", "blow the whistle", "abuse of office",
                      "abuse of position", "abuse of power", "misconduct in public office"})
# Sentences that are e-mail boilerplate ("Beware of payment fraud: we never change our bank details").
BOILERPLATE = ("beware", "bank detail", "scam", "cyber", "phishing")
# Who receives it, in order, skipping anyone named in the allegation.
RECIPIENTS = ("monitoring_officer", "chief_executive", "s151_officer")


@register
class Whistleblowing(RouteRule):
    name = "whistleblowing"
    description = ("An allegation of fraud, corruption or another abuse of office goes to the Monitoring Officer "
                   "(whistleblowing route), never to anyone it names.")
    paragraph = ("Rutland 14 (Reporting Wrongdoing) and 7.1; Rushcliffe 'In terms of complaints' (Monitoring Officer, "
                 "else Head of Paid Service, or the whistleblowing policy); county guidance 5.3")

    def propose(self, ctx: RuleContext, state: MessageState) -> Route | None:
        cfg = protocol_config(ctx, self.name)
        cues = tuple(dict.fromkeys((*(cfg.cues if cfg.cues is not None else CUES), *cfg.extra_cues)))
        doc = doc_of(state)
        hits = [h for h in _matcher(cues).hits(doc) if not _boilerplate(_sentence(doc, h.start))]
        if not hits:
            state.record(self.name, False, "no allegation of fraud, corruption or abuse of office")
            return None
        text = state.message.new_text + "\n" + state.message.subject
        accused = officers_named(ctx.directory, text)
        accused_members = [m for m in members_named(ctx.directory, text) if state.member is None or m.email != state.member.email]
        if not any(h.phrase in EXPLICIT or self._inside(ctx, state, _sentence(doc, h.start)) for h in hits):
            state.record(self.name, False, f"{describe(hits)} but nothing in the same sentence ties it to the council's officers, members or contracts")
            return None
        excluded = {o.email for o in accused} | {m.email for m in accused_members}
        to, who = "", ""
        for role in ([cfg.mailbox] if cfg.mailbox else []) + list(RECIPIENTS):
            address, label = person_for(ctx, role)
            if address and address not in excluded:
                to, who = address, label
                break
        if not to:
            state.record(self.name, True, f"{describe(hits)}: everyone on the whistleblowing route is named; human triage")
            return Route(service="triage", mailbox=ctx.config.routing.triage_mailbox or ctx.directory.mailbox,
                         reason="allegation of wrongdoing naming every officer on the whistleblowing route: a person decides", triage=True)
        manager = ""
        for role in ([cfg.manager] if cfg.manager else ["chief_executive", "s151_officer"]):
            address, _ = person_for(ctx, role)
            if address and address not in excluded and address != to:
                manager = address
                break
        notify = addresses(ctx, cfg.notify or [], exclude=excluded | {to})
        officer = ctx.directory.officer_by_email(to)
        service = cfg.service or (officer.service if officer and officer.service else "democratic_services")
        named = ", ".join([o.name for o in accused] + [f"Cllr {m.name}" for m in accused_members])
        reason = (f"allegation of wrongdoing ({describe(hits)}): whistleblowing route to {who}; confidential"
                  + (f"; kept from those named: {named}" if named else ""))
        state.record(self.name, True, f"cues {describe(hits)}", f"→ {who}" + (f", not {named}" if named else ""))
        return Route(service=service, mailbox=to, reason=reason, notify=notify, manager=manager)


    @staticmethod
    def _inside(ctx: RuleContext, state: MessageState, sentence) -> bool:  # type: ignore[no-untyped-def]
        if _matcher(INSIDE).hits(sentence.as_doc(), negations=False):
            return True
        others = [m for m in members_named(ctx.directory, sentence.text) if state.member is None or m.email != state.member.email]
        return bool(officers_named(ctx.directory, sentence.text) or others)


def _sentence(doc, index: int):  # type: ignore[no-untyped-def]
    """The tokens between sentence ends around ``index`` (the routing doc has no sentencizer)."""

    def is_end(token) -> bool:  # type: ignore[no-untyped-def]
        return token.text in (".", "!", "?") or (token.is_space and "\n" in token.text)

    start = index
    while start > 0 and not is_end(doc[start - 1]):
        start -= 1
    end = index
    while end < len(doc) and not is_end(doc[end]):
        end += 1
    return doc[start:end]


def _boilerplate(sentence) -> bool:  # type: ignore[no-untyped-def]
    lowered = sentence.text.lower()
    return any(word in lowered for word in BOILERPLATE)

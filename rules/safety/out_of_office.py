from __future__ import annotations

import re

from bot.state import MessageState
from rules.base import Rule, RuleContext, register

_SUBJECT = re.compile(r"^\s*(automatic reply|auto(matic)?[- ]?reply|auto[- ]?response|out of (the )?office|ooo\b|absence (notice|notification)|away from (the |my )?(office|desk)|ateb awtomatig|allan o'r swyddfa)", re.I)
_BODY = re.compile(
    r"\b(I am|I'm|I will be)\s+(currently\s+)?(out of (the )?office|away|on (annual )?leave|on holiday|off sick)"
    r"|\bwith (limited|no) access to (my )?e-?mail\b|\bthis is an automated (reply|response|message)\b"
    r"|\bwill (respond|reply|get back to you) (to your e-?mail )?(on|when|upon) my return\b",
    re.I,
)


@register
class OutOfOffice(Rule):
    name = "out-of-office"
    description = "Out-of-office and other automatic replies, recognised also without headers."
    paragraph = "loop prevention"

    def check(self, ctx: RuleContext, state: MessageState) -> bool:
        msg = state.message
        if msg.header("x-autoreply") or msg.header("x-autorespond"):
            return state.record(self.name, True, "X-Autoreply/X-Autorespond header")
        if _SUBJECT.match(msg.subject):
            return state.record(self.name, True, f"subject: {msg.subject[:60]}")
        # Outlook writes typographic apostrophes ("I’m"): fold them before matching
        # (one character for one, so the match quotes the original text).
        head = msg.new_text[:600]
        hit = _BODY.search(head.replace("\u2019", "'"))
        if hit and len(msg.new_text) < 1500:
            return state.record(self.name, True, f"text: {head[hit.start():hit.end()]}")
        return state.record(self.name, False, "no out-of-office signs")

"""Separate what the sender wrote now from quoted history and signature.

Heuristics follow what mail clients actually emit (Outlook header blocks, Gmail/Apple
"On … wrote:", ``>`` quoting, the RFC 3676 ``-- `` signature delimiter). Forwarded
mail is *kept* in the new text: a councillor forwarding a resident's message with one
line on top is asking about the resident's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ON_WROTE = re.compile(r"^\s*(On|Le|Am|Ar)\s.{0,200}(wrote|a écrit|schrieb|ysgrifennodd)\s*:\s*$", re.I)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Original|Reply message)\s*-{2,}\s*$", re.I)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(From|Oddi wrth)\s*:\*?\s+\S", re.I)
_OUTLOOK_NEXT = re.compile(r"^\s*\*?(Sent|Date|To|Subject|Anfonwyd|At)\s*:\*?", re.I)
_FORWARD = re.compile(r"^\s*-{3,}\s*Forwarded message\s*-{3,}\s*$|^\s*Begin forwarded message:\s*$", re.I)
_SIG_DELIM = re.compile(r"^-- ?$")
_MOBILE = re.compile(r"^\s*(Sent from my|Get Outlook for|Sent from Outlook|Sent from Mail for|Sent from Yahoo)", re.I)
_DISCLAIMER = re.compile(
    r"^\s*(\*+\s*)?(This (e-?mail|message)( and any (files|attachments))?.{0,80}(confidential|intended)|"
    r"DISCLAIMER|Confidentiality notice|Privacy notice:|The information in this e-?mail)",
    re.I,
)
_FWD_SUBJECT = re.compile(r"^\s*(fw|fwd|ymlaen)\s*:", re.I)


@dataclass(frozen=True, slots=True)
class SplitText:
    new: str
    quoted: str
    signature: str


def split_reply(text: str, subject: str = "") -> SplitText:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forwarded = bool(_FWD_SUBJECT.match(subject))
    cut = _quote_start(lines, forwarded)
    body, quoted = lines[:cut], lines[cut:]
    body, signature = _strip_signature(body)
    new = "\n".join(l for l in body if not l.lstrip().startswith(">")).strip()
    quoted_text = "\n".join(quoted + [l for l in body if l.lstrip().startswith(">")]).strip()
    if not new and quoted_text and forwarded:
        new, quoted_text = quoted_text, ""
    return SplitText(new=new, quoted=quoted_text, signature="\n".join(signature).strip())


def _quote_start(lines: list[str], forwarded: bool) -> int:
    for i, line in enumerate(lines):
        if _FORWARD.match(line):
            continue  # forwarded content is part of what the member is asking about
        if _ON_WROTE.match(line) or _ORIGINAL.match(line):
            return i
        if _OUTLOOK_FROM.match(line) and _looks_like_header_block(lines, i) and not forwarded:
            return i
        if line.startswith(">") and _rest_is_quoted(lines, i):
            return i
    return len(lines)


def _looks_like_header_block(lines: list[str], i: int) -> bool:
    following = [l for l in lines[i + 1 : i + 6] if l.strip()]
    return sum(bool(_OUTLOOK_NEXT.match(l)) for l in following) >= 2


def _rest_is_quoted(lines: list[str], i: int) -> bool:
    rest = [l for l in lines[i:] if l.strip()]
    quoted = sum(l.lstrip().startswith(">") for l in rest)
    return quoted >= max(1, int(0.8 * len(rest)))


def _strip_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(lines):
        if _SIG_DELIM.match(line) or _DISCLAIMER.match(line):
            return lines[:i], lines[i:]
    for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        if _MOBILE.match(lines[i]):
            return lines[:i], lines[i:]
    return lines, []


_FORWARD_MARKERS = ("forwarded", "original", "reply message", "from:", "from :", "oddi wrth")  # one is in every line the loop below would stop at


def before_forwarded(text: str) -> str:
    """The sender's covering note: the new text up to where a forwarded message (kept in
    the new text, see above) begins, whose sign-off is someone else's."""
    lowered = text.lower()
    if not any(marker in lowered for marker in _FORWARD_MARKERS):
        return text  # the usual case, without a regular expression per line
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _FORWARD.match(line) or _ORIGINAL.match(line) or (_OUTLOOK_FROM.match(line) and _looks_like_header_block(lines, i)):
            return "\n".join(lines[:i])
    return text

"""``third_party_cc``: who, besides the mailbox and the sender, the member addressed.

Decided from the headers alone (addresses compared case-insensitively, display names
ignored); body statements such as "I've copied in the resident" are supporting
evidence only, never the decision.
"""

from __future__ import annotations


from bot.directory import Directory, Member
from bot.message import Address, Message
from classifiers.findings import Evidence, Finding
from classifiers.gated import gated
from classifiers.registry import detector

NAME = "mq.third_party_cc.v1"
# "I've copied in the resident" (lower case: searched case-insensitively by GatedPattern).
# The needles are the verbs themselves: "cc" alone is in "account" and "accept", which
# sent nearly every cc'd message through the regex's slow scan for nothing.
# The spaces are bounded so that the verb is at most 26 characters into a match ("i have",
# 8 spaces, "also", 8 spaces): the search starts that far before the first verb instead
# of scanning the whole message, most of which has none ("included" is a common word).
_COPIED = gated(
    r"\b(i('ve| have)?|i am|i'm|have)\s{1,8}(also\s{1,8})?(copied|cc'?d|cc-?ed|included|copying)\b[^.\n]{0,80}",
    "copied", "copying", "cc'd", "ccd", "cc-ed", "cced", "included", within=26,
)


def recipient_kind(address: Address, directory: Directory) -> str:
    if directory.member_by_email(address.email):
        return "councillor"
    if directory.officer_by_email(address.email):
        return "officer"
    if directory.is_internal(address.email):
        return "unknown_internal"
    return "outside_party"


def own_addresses(message: Message, member: Member | None) -> set[str]:
    """The sender's own addresses: From, plus the roster address of the member they are."""
    own = {message.sender.email} if message.sender else set()
    if member is not None:
        own.add(member.email)
    return own


def sender_addresses(message: Message, directory: Directory) -> set[str]:
    """``own_addresses``, the member matched here by address or display name (for callers
    without the sender detector's match)."""
    sender = message.sender
    member = (directory.member_by_email(sender.email) or directory.member_by_name(sender.name)) if sender else None
    return own_addresses(message, member)


@detector(NAME, "Recipients other than the mailbox and the sending member, each classified as outside party, officer, councillor or unknown internal.", ("third_party_cc",))
def make_third_party_detector() -> "ThirdPartyDetector":
    return ThirdPartyDetector()


class ThirdPartyDetector:
    name = NAME

    def __call__(self, message: Message, directory: Directory, sender_is_member: bool, own: set[str] | None = None) -> Finding:
        """``own``: the sender's own addresses, when the caller already knows them (the
        classify stage does, from the sender detector's match); else worked out here."""
        if own is None:
            own = sender_addresses(message, directory)
        extra: list[dict[str, str]] = []
        evidence: list[Evidence] = []
        seen: set[str] = set()
        for header, group in (("To", message.to), ("Cc", message.cc)):
            for addr in group:
                if addr.email in seen or addr.email in own or directory.is_mailbox(addr.email):
                    continue
                seen.add(addr.email)
                kind = recipient_kind(addr, directory)
                extra.append({"address": addr.email, "kind": kind, "header": header})
                evidence.append(Evidence(source=f"header:{header}", text=addr.email, detail=kind))
        value = sender_is_member and bool(extra)
        text = message.new_text
        supporting = _COPIED.search_text(text) if value else None
        if supporting:
            evidence.append(Evidence("body", text[supporting.start() : supporting.end()], supporting.start(), supporting.end(), "supporting statement"))
        return Finding(
            label="third_party_cc",
            value=value,
            score=1.0 if value else 0.0,
            detector=NAME,
            evidence=tuple(evidence) if value else (),
            kind=",".join(sorted({e["kind"] for e in extra})) if value else None,
            details={"third_parties": extra},
        )

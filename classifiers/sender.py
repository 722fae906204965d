"""Sender facts: ``sender_is_member`` and ``personal_address``.

A member is matched by address first; from outside the council's domains also by
name (display name, then the sign-off), because councillors write from webmail. A
match by name never makes the outside address trusted: replies go to the roster
address.
"""

from __future__ import annotations

from bot.directory import Directory, Member, name_letters, normalise_name
from bot.message import Message
from classifiers.findings import Evidence, Finding
from classifiers.mail_providers import outside_address_kind
from classifiers.registry import detector

NAME = "mq.sender.v1"


@detector(NAME, "Matches the sender to the members roster by address, or by name from outside the council's domains.", ("sender_is_member", "personal_address"))
def make_sender_detector() -> "SenderDetector":
    return SenderDetector()


class SenderDetector:
    name = NAME

    def __call__(self, message: Message, directory: Directory) -> tuple[Finding, Finding, Member | None]:
        member, evidence = self.match(message, directory)
        is_member = Finding(
            "sender_is_member", member is not None, 1.0 if member else 0.0, NAME, (evidence,) if evidence else (),
            details={"member_email": member.email if member else None, "member_name": member.name if member else None},
        )
        outside = bool(message.sender) and not directory.is_internal(message.sender.email)  # type: ignore[union-attr]
        personal = member is not None and outside
        # "webmail" (a consumer provider) or "business" (any other outside domain): the
        # interest detector weighs the second (classifiers/mail_providers.py).
        kind = outside_address_kind(message.sender.email) if personal and message.sender else None
        personal_finding = Finding(
            "personal_address", personal, 1.0 if personal else 0.0, NAME,
            (Evidence("header:From", message.sender.email, detail=f"outside the council's domains ({kind} address)"),) if personal and message.sender else (),
            kind=kind,
        )
        return is_member, personal_finding, member

    def match(self, message: Message, directory: Directory) -> tuple[Member | None, Evidence | None]:
        sender = message.sender
        if sender is None:
            return None, None
        by_address = directory.member_by_email(sender.email)
        if by_address:
            return by_address, Evidence("header:From", sender.email, detail="roster address")
        if directory.officer_by_email(sender.email):
            return None, None  # an officer writing, not a member
        # Outside the roster address (webmail, a business domain, or an internal
        # address the roster does not know, such as a members' subdomain): by name.
        by_name = directory.member_by_name(sender.name)
        if by_name:
            return by_name, Evidence("header:From", sender.name, detail="display name matches roster")
        signed = _signed_member(message, directory)
        if signed:
            return signed
        return None, None


def _signed_member(message: Message, directory: Directory) -> tuple[Member, Evidence] | None:
    """A roster name in the last lines of the new text or the signature block."""
    tail_lines = sign_off_lines(message.new_text, message.signature)
    tail = " ".join(tail_lines)
    if tail.isascii():  # the usual case: a plain substring test says whether any surname is there at all
        if not directory.may_name_a_member(name_letters(tail.lower())):
            return None
    elif not set(normalise_name(tail.replace("(", " ").replace(")", " ")).split()) & directory.member_surnames:
        return None  # no member's surname anywhere near the end: nobody signed
    for line in tail_lines:
        if len(line) > 80:
            continue
        # "(Cllr Philip Vardy, Holmfield West)": keep what is inside the brackets; and then
        # without it, for a nickname in brackets: "Cllr George (Dod) Imlach".
        found = directory.members_named_in(line.replace("(", " ").replace(")", " ")) or directory.members_named_in(line)
        if len(found) == 1:
            return found[0], Evidence("signature", line.strip(), detail="sign-off matches roster")
    return None


_TAIL_CHARS = 1200


def sign_off_lines(text: str, signature: str, signature_lines: int = 6) -> list[str]:
    """Where a sender signs: the last six lines of the new text, then the signature block's first lines."""
    return last_lines(text, 6) + signature.splitlines()[:signature_lines]


def last_lines(text: str, count: int) -> list[str]:
    """The last ``count`` lines of the text that are not blank, as ``splitlines`` cuts them.

    Only the end of the text is split when it holds enough of them: a long message's
    other lines are never looked at. The first line of that end may be cut short, so it
    is not counted.
    """
    if len(text) > _TAIL_CHARS:
        tail = [line for line in text[-_TAIL_CHARS:].splitlines()[1:] if line.strip()]
        if len(tail) >= count:
            return tail[-count:]
    return [line for line in text.splitlines() if line.strip()][-count:]

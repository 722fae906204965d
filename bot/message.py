"""The one typed, immutable message object every backend produces.

Everything downstream (classifiers, rules, actions, storage) reads this and nothing
else, so a backend's quirks stop at its own parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Mapping

# The headers that matter for loop prevention, threading and sender trust. Kept by
# name (lower case) so rules never need the raw MIME object.
KEPT_HEADERS: tuple[str, ...] = (
    "auto-submitted",
    "precedence",
    "x-auto-response-suppress",
    "list-id",
    "list-unsubscribe",
    "list-post",
    "list-help",
    "authentication-results",
    "in-reply-to",
    "references",
    "return-path",
    "x-autoreply",
    "x-autorespond",
    "x-mq-idempotency-key",
    "content-type",
    "reply-to",
    "thread-index",
    "thread-topic",
    "x-ms-exchange-generated-message-source",
)


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox address; ``email`` is lower-cased so comparisons are case-insensitive."""

    email: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Message:
    """A parsed message as it arrived in the mailbox.

    ``new_text`` is what the sender wrote this time (HTML rendered as text, quoted
    history and signature removed); ``quoted_text`` and ``signature`` keep what was
    separated out; ``full_text`` is the whole body as text.
    """

    backend_id: str
    message_id: str
    thread_id: str
    sender: Address | None
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    received: datetime
    headers: Mapping[str, str]
    new_text: str
    full_text: str
    quoted_text: str = ""
    signature: str = ""
    has_html: bool = False
    content_type: str = "text/plain"
    attachments: tuple[Attachment, ...] = ()
    defects: tuple[str, ...] = ()
    size: int = 0
    raw: bytes | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.received.tzinfo is None:
            raise ValueError("Message.received must be timezone-aware")
        if not isinstance(self.headers, MappingProxyType):
            object.__setattr__(self, "headers", MappingProxyType(dict(self.headers)))

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc

    @property
    def in_reply_to(self) -> str:
        return self.header("in-reply-to").strip()

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(self.header("references").split())

"""The one small interface every mailbox backend implements.

Fetch what is new since a stored cursor, fetch one message, mark processed, move,
create a draft reply, send, and find an outgoing item by its idempotency key.
Implementations say "See :class:`Mailbox`." rather than repeating this contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable


class BackendError(Exception):
    """Our side or the server's: worth retrying later (the message is not at fault)."""


class TransientBackendError(BackendError):
    """Known-transient (throttling, busy server, dropped connection): retry with back-off.

    ``retry_after`` carries the server's own request (HTTP Retry-After, EWS
    BackOffMilliseconds) in seconds, so a retry policy can honour it.
    """

    def __init__(self, message: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthenticationFailed(BackendError):
    """Credentials refused or revoked: fail fast, never spin."""


class PermissionDenied(AuthenticationFailed):
    """Signed in, but not allowed (Graph/EWS 403, impersonation refused): stop the cycle, as for
    refused credentials, rather than fail every message one by one."""


class CursorExpired(BackendError):
    """The stored sync state is no longer valid (Graph 410, EWS invalid sync state, UIDVALIDITY change)."""


@dataclass(frozen=True, slots=True)
class RawItem:
    backend_id: str
    raw: bytes
    received: datetime | None = None
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class FetchBatch:
    items: list[RawItem]
    cursor: str | None  # store only after every item in ``items`` is recorded
    resync: bool = False  # a full resync: items may include mail already seen
    more: bool = False  # the server has more pages; poll again before sleeping


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A fully rendered outgoing message, addressed to exactly one person."""

    key: str
    from_addr: str
    to: str
    subject: str
    text: str
    html: str = ""
    in_reply_to: str = ""
    references: str = ""
    reply_to_backend_id: str | None = None  # the message being answered, for createReply
    extra_headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    inline_images: tuple["InlineImage", ...] = ()


@dataclass(frozen=True, slots=True)
class InlineImage:
    """An image the HTML part shows with ``<img src="cid:...">``."""

    cid: str
    content_type: str
    data: bytes


@runtime_checkable
class Mailbox(Protocol):
    name: str
    address: str

    def fetch_new(self, cursor: str | None, limit: int) -> FetchBatch: ...

    def fetch_one(self, backend_id: str) -> RawItem: ...

    def mark_processed(self, backend_id: str) -> None: ...

    def quarantine(self, backend_id: str) -> None: ...

    def move(self, backend_id: str, folder: str) -> None: ...

    def create_draft(self, item: Outgoing) -> str: ...

    def send(self, item: Outgoing) -> str: ...

    def find_outgoing(self, key: str) -> str | None: ...

    def close(self) -> None: ...

"""Build the RFC 5322 form of an :class:`Outgoing` item.

Every automatic message says so (RFC 3834 ``Auto-Submitted: auto-replied`` and
Exchange's ``X-Auto-Response-Suppress: All``) so that other robots do not answer it,
and carries its idempotency key in a header and in a deterministic Message-ID so that
a backend can tell after a crash whether it was already delivered.
"""

from __future__ import annotations

import email.policy
import email.utils
import re
from datetime import datetime, timezone
from email.message import EmailMessage

from bot.backends.base import Outgoing

KEY_HEADER = "X-MQ-Idempotency-Key"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def clean_header(value: str, limit: int = 250) -> str:
    """No CR/LF or other control characters can ever reach a header (no injection)."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def message_id_for(key: str, address: str) -> str:
    domain = address.rpartition("@")[2] or "mqtriage.invalid"
    return f"<mq-{key}@{domain}>"


def build_mime(item: Outgoing, now: datetime | None = None) -> EmailMessage:
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = clean_header(item.from_addr)
    msg["To"] = clean_header(item.to)
    msg["Subject"] = clean_header(item.subject)
    msg["Date"] = email.utils.format_datetime(now or datetime.now(timezone.utc))
    msg["Message-ID"] = message_id_for(item.key, item.from_addr)
    if item.in_reply_to:
        msg["In-Reply-To"] = clean_header(item.in_reply_to, 998)
    if item.references:
        msg["References"] = clean_header(item.references, 998)
    msg["Auto-Submitted"] = "auto-replied"
    msg["X-Auto-Response-Suppress"] = "All"
    msg[KEY_HEADER] = item.key
    for name, value in item.extra_headers:
        msg[clean_header(name, 60)] = clean_header(value)
    msg.set_content(item.text)
    if item.html:
        msg.add_alternative(item.html, subtype="html")
        html_part = msg.get_body(("html",))
        for image in item.inline_images:
            maintype, _, subtype = image.content_type.partition("/")
            html_part.add_related(image.data, maintype, subtype, cid=f"<{image.cid}>", disposition="inline")  # type: ignore[union-attr]
    return msg

"""Turn raw RFC 5322 bytes into a :class:`bot.message.Message`.

Real-world MIME is broken in every way imaginable, so every step has a fallback and
records a defect instead of raising: a message we cannot read perfectly is still a
message someone expects an answer to.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
from datetime import datetime, timezone
from email.message import EmailMessage, Message as MimeMessage
from typing import Iterable

from inscriptis import get_text
from inscriptis.model.config import ParserConfig

from bot.message import KEPT_HEADERS, Address, Attachment, Message
from bot.textsplit import split_reply

_HTML_CONFIG = ParserConfig(display_links=False, display_anchors=False)


def parse_message(
    raw: bytes,
    backend_id: str,
    *,
    received: datetime | None = None,
    thread_id: str | None = None,
    keep_raw: bool = False,
) -> Message:
    """Parse ``raw``; ``received`` is the backend's own arrival time (else the Date header)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects: list[str] = [type(d).__name__ for d in getattr(msg, "defects", [])]
    headers = {name: _header(msg, name, defects) for name in KEPT_HEADERS}
    headers = {k: v for k, v in headers.items() if v}
    subject = _header(msg, "subject", defects)
    message_id = _clean_id(_header(msg, "message-id", defects)) or _synthetic_id(raw)
    full_text, has_html, attachments = _body_text(msg, defects)
    split = split_reply(full_text, subject)
    return Message(
        backend_id=backend_id,
        message_id=message_id,
        thread_id=thread_id or _thread_root(headers, message_id),
        sender=_first(_addresses(msg, ("from",), defects)) or _first(_addresses(msg, ("sender",), defects)),
        to=tuple(_addresses(msg, ("to",), defects)),
        cc=tuple(_addresses(msg, ("cc",), defects)),
        subject=subject,
        received=received or _date(msg, defects) or datetime.now(timezone.utc),
        headers=headers,
        new_text=split.new,
        full_text=full_text,
        quoted_text=split.quoted,
        signature=split.signature,
        has_html=has_html,
        content_type=msg.get_content_type(),
        attachments=tuple(attachments),
        defects=tuple(dict.fromkeys(defects)),
        size=len(raw),
        raw=raw if keep_raw else None,
    )


def _header(msg: MimeMessage, name: str, defects: list[str]) -> str:
    try:
        values = msg.get_all(name) or []
        return " ".join(" ".join(str(v).split()) for v in values)
    except Exception as exc:  # malformed encoded-words, bad charsets: keep the raw text
        defects.append(f"header-{name}:{type(exc).__name__}")
        raw = [v for k, v in msg.raw_items() if k.lower() == name]
        return " ".join(" ".join(str(v).split()) for v in raw)


def _addresses(msg: MimeMessage, names: Iterable[str], defects: list[str]) -> list[Address]:
    raw: list[str] = []
    for k, v in msg.raw_items():
        if k.lower() in names:
            raw.append(str(v))
    found: list[Address] = []
    for display, addr in email.utils.getaddresses(raw):
        addr = addr.strip().strip("<>").lower()
        if "@" not in addr:
            if addr:
                defects.append("address-without-domain")
            continue
        found.append(Address(email=addr, name=_decode_words(display)))
    return found


def _decode_words(text: str) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(text))).strip()
    except Exception:
        return text.strip()


def _first(items: list[Address]) -> Address | None:
    return items[0] if items else None


def _date(msg: MimeMessage, defects: list[str]) -> datetime | None:
    value = _header(msg, "date", defects)
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        defects.append("unparseable-date")
        return None
    if parsed.tzinfo is None:  # "-0000" means unknown zone: RFC 5322 says treat as UTC
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _clean_id(value: str) -> str:
    value = value.strip()
    if value.startswith("<") and ">" in value:
        value = value[: value.index(">") + 1]
    return value


def _synthetic_id(raw: bytes) -> str:
    # Without a Message-ID the content hash is the only stable identity across polls.
    return f"<sha256-{hashlib.sha256(raw).hexdigest()[:32]}@mqtriage.invalid>"


def _thread_root(headers: dict[str, str], message_id: str) -> str:
    refs = headers.get("references", "").split()
    if refs:
        return refs[0]
    reply_to = headers.get("in-reply-to", "").split()
    return reply_to[0] if reply_to else message_id


def _body_text(msg: MimeMessage, defects: list[str]) -> tuple[str, bool, list[Attachment]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in _walk(msg, defects):
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if ctype in ("message/delivery-status", "message/disposition-notification"):
            # Reports are "multipart" to the email package; keep them visible to the rules.
            attachments.append(Attachment(_filename(part), ctype, 0))
            continue
        if part.is_multipart():
            continue
        if disposition == "attachment" or (ctype not in ("text/plain", "text/html") and ctype != "message/rfc822"):
            payload = part.get_payload(decode=True) or b""
            attachments.append(Attachment(_filename(part), ctype, len(payload)))
            continue
        text = _part_text(part, defects)
        if ctype == "text/html":
            html.append(text)
        else:
            plain.append(text)
    has_html = bool(html)
    if plain and any(p.strip() for p in plain):
        return "\n".join(plain).strip(), has_html, attachments
    if html:
        return "\n".join(_html_to_text(h, defects) for h in html).strip(), True, attachments
    return "", has_html, attachments


def _walk(msg: MimeMessage, defects: list[str]) -> Iterable[MimeMessage]:
    try:
        yield from msg.walk()
    except Exception as exc:
        defects.append(f"walk:{type(exc).__name__}")
        yield msg


def _filename(part: MimeMessage) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        return ""


def _part_text(part: MimeMessage, defects: list[str]) -> str:
    try:
        if isinstance(part, EmailMessage):
            content = part.get_content()
            if isinstance(content, str):
                if "\ufffd" in content or _has_surrogates(content):
                    # Declared us-ascii (or nothing) but sent as UTF-8: very common.
                    raw = part.get_payload(decode=True)
                    if isinstance(raw, bytes):
                        try:
                            defects.append("charset-mislabelled")
                            return raw.decode("utf-8")
                        except UnicodeDecodeError:
                            pass
                return content
    except Exception as exc:  # unknown charset, bad base64, ...
        defects.append(f"content:{type(exc).__name__}")
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    payload = part.get_payload()
    return payload if isinstance(payload, str) else ""


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _html_to_text(html: str, defects: list[str]) -> str:
    try:
        return get_text(html, _HTML_CONFIG)
    except Exception as exc:
        defects.append(f"html:{type(exc).__name__}")
        return ""

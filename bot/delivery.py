"""Hand pending outbox items to the backend, exactly once.

The row exists (with its unique key) before the backend is called; after a crash
between the backend call and marking the row done, the backend is asked whether an
item with that key already exists before anything is created again.
"""

from __future__ import annotations

import base64
import logging

from bot.backends.base import AuthenticationFailed, BackendError, InlineImage, Outgoing, TransientBackendError
from bot.config import BotConfig
from bot.services import Services
from storage.models import OutboxItem

log = logging.getLogger("mqtriage.delivery")
MAX_DELIVERY_ATTEMPTS = 5


def delivery_for(bot: BotConfig, kind: str) -> str:
    """How an outgoing item of ``kind`` leaves in the configured mode: none, draft or send.

    shadow sends nothing; draft drafts everything; live sends, except acknowledgements,
    which stay drafts for an officer unless the council switched them to sending.
    """
    if bot.mode == "shadow":
        return "none"
    if bot.mode == "draft":
        return "draft"
    if kind == "acknowledgement" and not bot.send_acknowledgements:
        return "draft"
    return "send"


def to_outgoing(services: Services, item: OutboxItem, reply_to_backend_id: str | None = None) -> Outgoing:
    return Outgoing(
        key=item.key,
        from_addr=services.config.mailbox.address,
        to=item.to_addr,
        subject=item.subject,
        text=item.body_text,
        html=item.body_html,
        in_reply_to=item.in_reply_to,
        references=item.references,
        reply_to_backend_id=reply_to_backend_id,
        inline_images=tuple(
            InlineImage(i["cid"], i["content_type"], base64.b64decode(i["data"])) for i in (item.inline_images or [])
        ),
    )


def deliver_pending(services: Services) -> int:
    store, mailbox = services.store, services.mailbox
    delivered = 0
    for item in store.pending_outbox(services.mailbox_name):
        try:
            existing = mailbox.find_outgoing(item.key)
            if existing:
                store.outbox_done(item.id, existing)
                continue
            outgoing = to_outgoing(services, item, _backend_id_of(services, item))
            ref = mailbox.create_draft(outgoing) if item.delivery == "draft" else mailbox.send(outgoing)
            store.outbox_done(item.id, ref)
            delivered += 1
            log.info("delivered %s as %s", item.kind, item.delivery, extra={"event": "delivered"})
        except (TransientBackendError, AuthenticationFailed):
            raise
        except BackendError as exc:
            give_up = item.attempts + 1 >= MAX_DELIVERY_ATTEMPTS
            store.outbox_failed(item.id, str(exc)[:500], give_up)
            log.error("delivery of %s failed%s: %s", item.kind, " (giving up)" if give_up else "", exc)
    return delivered


def _backend_id_of(services: Services, item: OutboxItem) -> str | None:
    if item.message_pk is None:
        return None
    from storage.models import SeenMessage

    with services.store.session() as s:
        row = s.get(SeenMessage, item.message_pk)
        return row.backend_id if row else None

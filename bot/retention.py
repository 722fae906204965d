"""The nightly data-retention purge (``storage.retention_days``).

What goes, for messages received more than ``retention_days`` ago (or, lacking a date,
first seen that long ago): the stored excerpt and body, the error text of a failed or
quarantined message, every finding with its evidence, the text of corrections made about them, and the bodies of outbox items
created that long ago (already delivered, held or given up; a pending item keeps its
body until it is delivered). What stays: the message row's identifiers, sender,
recipients, subject and status (so the message is never processed again), the case,
and the audit trail. README-OPERATIONS.md lists every stored field.

Idempotent: purged rows get ``purged_at`` and are not touched again, so running it
twice, or on two workers, is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from bot.config import Config
from storage.models import Case, Correction, FindingRow, OutboxItem, SeenMessage
from storage.store import Store

log = logging.getLogger("mqtriage.retention")


@dataclass(frozen=True)
class PurgeReport:
    mailbox: str
    cutoff: datetime
    messages: int
    findings: int
    outbox_bodies: int
    corrections: int

    def __str__(self) -> str:
        return (f"{self.mailbox}: before {self.cutoff:%Y-%m-%d}: {self.messages} message excerpt(s), {self.findings} finding(s), "
                f"{self.outbox_bodies} outbox bod(y/ies), {self.corrections} correction text(s) purged")


def purge_expired(store: Store, config: Config, now: datetime) -> PurgeReport:
    mailbox = config.mailbox.address
    cutoff = now - timedelta(days=config.storage.retention_days)
    with store.session() as s:
        old = (select(SeenMessage.id).where(SeenMessage.mailbox == mailbox, SeenMessage.purged_at.is_(None),
                                            func.coalesce(SeenMessage.received, SeenMessage.created_at) < cutoff)
               .scalar_subquery())
        ids = list(s.scalars(select(SeenMessage.id).where(SeenMessage.id.in_(old))))
        findings = corrections = 0
        for chunk in _chunks(ids, 500):
            findings += s.execute(delete(FindingRow).where(FindingRow.message_pk.in_(chunk))).rowcount or 0
            s.execute(update(SeenMessage).where(SeenMessage.id.in_(chunk)).values(excerpt="", body=None, last_error=None, purged_at=now))
            corrections += s.execute(update(Correction).where(Correction.message_pk.in_(chunk), Correction.text != "").values(text="")).rowcount or 0
        case_ids = select(Case.id).where(Case.mailbox == mailbox).scalar_subquery()
        corrections += s.execute(update(Correction).where(Correction.at < cutoff, Correction.text != "", Correction.case_id.in_(case_ids))
                                 .values(text="")).rowcount or 0
        outbox = s.execute(update(OutboxItem).where(
            OutboxItem.mailbox == mailbox, OutboxItem.created_at < cutoff, OutboxItem.status != "pending",
            or_(OutboxItem.body_text != "", OutboxItem.body_html != "")).values(body_text="", body_html="")).rowcount or 0
        report = PurgeReport(mailbox, cutoff, len(ids), findings, outbox, corrections)
        if ids or outbox or corrections:
            store.audit(s, "retention-purge", mailbox=mailbox, cutoff=cutoff, messages=len(ids), findings=findings,
                        outbox_bodies=outbox, corrections=corrections, retention_days=config.storage.retention_days)
    log.info("retention purge: %s", report, extra={"mailbox": mailbox, "event": "retention-purge"})
    return report


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)]

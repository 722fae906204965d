"""``mqtriage forget ADDRESS``: remove one person's data from the store (an erasure aid).

Across every mailbox in the database:

- messages they sent or were addressed in (From, To, Cc): sender, display name,
  subject, excerpt, body and findings are removed and their address is taken out of the
  recipients. The row itself stays as a tombstone (mailbox id, Message-ID, status, true/
  false labels) so that the bot never processes, and never acknowledges, that message
  again;
- cases they raised: member address, name, ward and subject, and the excerpts, bodies
  and findings of every message in those cases (officers' replies included);
- outbox items addressed to them are deleted; other outbox items that name them have
  their subject and bodies removed;
- findings, corrections and audit details anywhere else that name the address have
  it replaced by ``[forgotten]`` (audit) or are deleted (findings) or emptied (corrections);
- any message excerpt or body elsewhere that names the address is emptied.

It does not touch the mailbox itself (Exchange, IMAP or the Maildir): the council's
records system has its own erasure process. The forget is recorded in the audit trail
with its counts but without the address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from storage.models import AuditEvent, Case, Correction, FindingRow, OutboxItem, SeenMessage
from storage.store import Store

FORGOTTEN = "[forgotten]"


@dataclass
class ForgetReport:
    address: str
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def lines(self) -> list[str]:
        labels = {
            "messages": "messages they sent or were addressed in (content removed, tombstone kept)",
            "case_messages": "other messages in their cases (excerpt, body and findings removed)",
            "mentioning_messages": "other messages whose excerpt or body named them (emptied)",
            "cases": "cases they raised (name, address, ward and subject removed)",
            "findings": "findings deleted",
            "outbox_deleted": "outbox items addressed to them (deleted)",
            "outbox_scrubbed": "other outbox items naming them (subject and bodies removed)",
            "audit": "audit events naming them (address replaced)",
            "corrections": "corrections (text removed)",
        }
        return [f"{n:6d}  {labels[k]}" for k, n in self.counts.items()]


def _like(address: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", address) + "%"


def forget(store: Store, address: str, now: datetime, *, actor: str = "cli", dry_run: bool = False) -> ForgetReport:
    addr = address.strip().lower()
    if "@" not in addr:
        raise ValueError(f"not an email address: {address!r}")
    report = ForgetReport(addr, dry_run)
    like = _like(addr)
    with store.engine.connect() as conn, Session(bind=conn) as s:
        trans = conn.begin()
        try:
            _forget(s, store, addr, like, now, report)
            s.flush()
            if report.counts and any(report.counts.values()) and not dry_run:
                store.audit(s, "forgotten", actor=actor, **report.counts)  # the counts, never the address
                s.flush()
        except BaseException:
            trans.rollback()
            raise
        if dry_run:
            trans.rollback()
        else:
            trans.commit()
    return report


def _forget(s: Session, store: Store, addr: str, like: str, now: datetime, report: ForgetReport) -> None:
    findings = 0
    # 1. Messages they sent or were addressed in.
    candidates = s.scalars(select(SeenMessage).where(or_(
        func.lower(SeenMessage.sender) == addr, cast(SeenMessage.recipients, Text).ilike(like, escape="\\")))).all()
    own = [m for m in candidates if (m.sender or "").lower() == addr or any(str(r.get("email", "")).lower() == addr for r in (m.recipients or []))]
    for m in own:
        findings += _scrub_message(s, m, now)
        m.sender, m.sender_name, m.subject = "", "", ""
        m.recipients = [({**r, "email": FORGOTTEN} if str(r.get("email", "")).lower() == addr else r) for r in (m.recipients or [])]
    report.add("messages", len(own))
    done = {m.id for m in own}

    # 2. Their cases, and every message in those cases.
    cases = s.scalars(select(Case).where(func.lower(Case.member_email) == addr)).all()
    for c in cases:
        c.member_email, c.member_name, c.ward, c.subject = "", FORGOTTEN, "", ""
        c.updated_at = now
    report.add("cases", len(cases))
    case_msgs = s.scalars(select(SeenMessage).where(SeenMessage.case_id.in_([c.id for c in cases]))).all() if cases else []
    n = 0
    for m in case_msgs:
        if m.id not in done:
            findings += _scrub_message(s, m, now)
            done.add(m.id)
            n += 1
    report.add("case_messages", n)

    # 3. Any other message whose excerpt or body names them.
    mentioning = s.scalars(select(SeenMessage).where(or_(SeenMessage.excerpt.ilike(like, escape="\\"), SeenMessage.body.ilike(like, escape="\\")))).all()
    n = 0
    for m in mentioning:
        if m.id not in done:
            m.excerpt, m.body = "", None
            done.add(m.id)
            n += 1
    report.add("mentioning_messages", n)

    # 4. Findings anywhere else that name them (e.g. a third-party Cc in evidence).
    rows = s.scalars(select(FindingRow).where(or_(cast(FindingRow.evidence, Text).ilike(like, escape="\\"), cast(FindingRow.details, Text).ilike(like, escape="\\")))).all()
    for f in rows:
        s.delete(f)
    report.add("findings", findings + len(rows))

    # 5. Outbox: delete what was addressed to them, scrub what names them.
    scrubbed_case_ids = [c.id for c in cases]
    report.add("outbox_deleted", s.execute(delete(OutboxItem).where(func.lower(OutboxItem.to_addr) == addr)).rowcount or 0)
    naming = s.scalars(select(OutboxItem).where(or_(
        OutboxItem.body_text.ilike(like, escape="\\"), OutboxItem.body_html.ilike(like, escape="\\"), OutboxItem.subject.ilike(like, escape="\\"),
        OutboxItem.case_id.in_(scrubbed_case_ids) if scrubbed_case_ids else False))).all()
    for o in naming:
        o.subject, o.body_text, o.body_html = FORGOTTEN, "", ""
    report.add("outbox_scrubbed", len(naming))

    # 6. Audit details and actors naming them.
    events = s.scalars(select(AuditEvent).where(or_(cast(AuditEvent.detail, Text).ilike(like, escape="\\"), func.lower(AuditEvent.actor) == addr))).all()
    for e in events:
        e.detail = _replace(e.detail, addr)
        if e.actor.lower() == addr:
            e.actor = FORGOTTEN
    report.add("audit", len(events))

    # 7. Corrections about their messages or cases, or naming them.
    corrections = s.scalars(select(Correction).where(or_(
        Correction.text.ilike(like, escape="\\"), func.lower(Correction.actor) == addr,
        Correction.message_pk.in_(list(done)) if done else False,
        Correction.case_id.in_(scrubbed_case_ids) if scrubbed_case_ids else False))).all()
    for c in corrections:
        c.text = ""
        c.old_value, c.new_value = _replace(c.old_value, addr), _replace(c.new_value, addr)
        if c.actor.lower() == addr:
            c.actor = FORGOTTEN
    report.add("corrections", len(corrections))


def _scrub_message(s: Session, m: SeenMessage, now: datetime) -> int:
    m.excerpt, m.body, m.last_error, m.purged_at, m.updated_at = "", None, None, now, now
    return s.execute(delete(FindingRow).where(FindingRow.message_pk == m.id)).rowcount or 0


def _replace(value: Any, addr: str) -> Any:
    if isinstance(value, str):
        return re.sub(re.escape(addr), FORGOTTEN, value, flags=re.IGNORECASE)
    if isinstance(value, dict):
        return {k: _replace(v, addr) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, addr) for v in value]
    return value

"""The store: every read and write the pipeline, CLI and dashboard make.

Each public method is one short transaction, so the runner can commit per message and
a crash at any point leaves the database at a step the runner knows how to resume.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterator

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import AuditEvent, Case, OutboxItem, SeenMessage, SyncState

FINAL_STATUSES = frozenset({"done", "quarantined", "recorded", "duplicate", "ignored"})


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def idempotency_key(*parts: str) -> str:
    """Deterministic: the same decision about the same message always yields the same key."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def case_ref(case_id: int, year: int) -> str:
    return f"MQ-{year}-{case_id:05d}"


@dataclass(frozen=True, slots=True)
class Attempt:
    pk: int
    attempts: int
    status: str
    last_error: str | None


class Store:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # --- messages --------------------------------------------------------------
    def begin_attempt(self, mailbox: str, backend_id: str) -> Attempt:
        """Count an attempt *before* doing the work, so a crash also counts as one."""
        now = self.clock()
        for _ in range(2):
            try:
                with self.session() as s:
                    row = s.scalar(select(SeenMessage).where(SeenMessage.mailbox == mailbox, SeenMessage.backend_id == backend_id))
                    if row is None:
                        row = SeenMessage(mailbox=mailbox, backend_id=backend_id, message_id="", created_at=now, updated_at=now, attempts=0, status="new", labels={}, recipients=[])
                        s.add(row)
                    if row.status not in FINAL_STATUSES and row.status != "decided":
                        row.attempts += 1
                        row.status = "processing"
                        row.updated_at = now
                    s.flush()
                    return Attempt(row.id, row.attempts, row.status, row.last_error)
            except IntegrityError:
                continue  # another worker inserted the same row: read it again
        raise RuntimeError(f"could not record message {backend_id} in {mailbox}")

    def status_of(self, mailbox: str, backend_id: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(SeenMessage.status).where(SeenMessage.mailbox == mailbox, SeenMessage.backend_id == backend_id))

    def set_status(self, pk: int, status: str, error: str | None = None) -> None:
        with self.session() as s:
            values: dict[str, Any] = {"status": status, "updated_at": self.clock()}
            if error is not None:
                values["last_error"] = error
            s.execute(update(SeenMessage).where(SeenMessage.id == pk).values(**values))

    def messages_with_status(self, mailbox: str, status: str) -> list[tuple[int, str]]:
        with self.session() as s:
            rows = s.execute(select(SeenMessage.id, SeenMessage.backend_id).where(SeenMessage.mailbox == mailbox, SeenMessage.status == status).order_by(SeenMessage.id))
            return [(r[0], r[1]) for r in rows]

    def already_seen_message_id(self, mailbox: str, message_id: str, pk: int) -> bool:
        with self.session() as s:
            return bool(s.scalar(select(func.count()).select_from(SeenMessage).where(
                SeenMessage.mailbox == mailbox, SeenMessage.message_id == message_id, SeenMessage.id != pk,
                SeenMessage.status.in_(["done", "decided", "recorded"]))))

    # --- cases -----------------------------------------------------------------
    def case_for_thread(self, s: Session, mailbox: str, thread_ids: list[str]) -> Case | None:
        ids = [t for t in thread_ids if t]
        if not ids:
            return None
        return s.scalar(select(Case).where(Case.mailbox == mailbox, Case.thread_id.in_(ids)).order_by(Case.id))

    def thread_of(self, s: Session, mailbox: str, message_ids: list[str]) -> str | None:
        """The thread a reply belongs to, found through the messages it references."""
        ids = [m for m in message_ids if m]
        if not ids:
            return None
        return s.scalar(select(SeenMessage.thread_id).where(SeenMessage.mailbox == mailbox, SeenMessage.message_id.in_(ids)).limit(1))

    def open_cases(self, mailbox: str | None = None) -> list[Case]:
        with self.session() as s:
            q = select(Case).where(Case.status.in_(["open", "triage"]))
            if mailbox:
                q = q.where(Case.mailbox == mailbox)
            return list(s.scalars(q.order_by(Case.due.is_(None), Case.due, Case.id)))

    def get_case(self, ref: str) -> Case | None:
        with self.session() as s:
            return s.scalar(select(Case).where(Case.ref == ref))

    # --- outbox ----------------------------------------------------------------
    def pending_outbox(self, mailbox: str) -> list[OutboxItem]:
        with self.session() as s:
            return list(s.scalars(select(OutboxItem).where(OutboxItem.mailbox == mailbox, OutboxItem.status == "pending").order_by(OutboxItem.id)))

    def outbox(self, mailbox: str | None = None, limit: int = 200) -> list[OutboxItem]:
        with self.session() as s:
            q = select(OutboxItem)
            if mailbox:
                q = q.where(OutboxItem.mailbox == mailbox)
            return list(s.scalars(q.order_by(OutboxItem.id.desc()).limit(limit)))

    def outbox_done(self, item_id: int, backend_ref: str) -> None:
        with self.session() as s:
            s.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(status="done", backend_ref=backend_ref, delivered_at=self.clock()))

    def outbox_failed(self, item_id: int, error: str, give_up: bool) -> None:
        with self.session() as s:
            s.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(
                attempts=OutboxItem.attempts + 1, error=error, status="failed" if give_up else "pending"))

    def count_warnings_today(self, s: Session, mailbox: str, to_addr: str, day_start: datetime) -> int:
        return s.scalar(select(func.count()).select_from(OutboxItem).where(
            OutboxItem.mailbox == mailbox, OutboxItem.to_addr == to_addr,
            OutboxItem.kind.like("warning_%"), OutboxItem.created_at >= day_start)) or 0

    def warning_in_thread(self, s: Session, mailbox: str, kind: str, thread_id: str) -> bool:
        return bool(s.scalar(select(func.count()).select_from(OutboxItem).where(
            OutboxItem.mailbox == mailbox, OutboxItem.kind == kind, OutboxItem.thread_id == thread_id)))

    # --- sync state ------------------------------------------------------------
    def get_sync(self, mailbox: str, name: str) -> str | None:
        with self.session() as s:
            row = s.get(SyncState, (mailbox, name))
            return row.value if row else None

    def set_sync(self, mailbox: str, name: str, value: str | None) -> None:
        with self.session() as s:
            row = s.get(SyncState, (mailbox, name))
            if value is None:
                if row:
                    s.delete(row)
                return
            if row is None:
                s.add(SyncState(mailbox=mailbox, name=name, value=value, updated_at=self.clock()))
            else:
                row.value, row.updated_at = value, self.clock()

    # --- audit -----------------------------------------------------------------
    def audit(self, s: Session, event: str, *, mailbox: str = "", actor: str = "bot", message_pk: int | None = None, case_id: int | None = None, **detail: Any) -> None:
        s.add(AuditEvent(at=self.clock(), mailbox=mailbox, actor=actor, event=event, message_pk=message_pk, case_id=case_id, detail=jsonable(detail)))

    def quarantined(self, mailbox: str | None = None) -> list[SeenMessage]:
        with self.session() as s:
            q = select(SeenMessage).where(SeenMessage.status == "quarantined")
            if mailbox:
                q = q.where(SeenMessage.mailbox == mailbox)
            return list(s.scalars(q.order_by(SeenMessage.id)))


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


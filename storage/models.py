"""Tables. No full message bodies by default: ids, metadata and a short excerpt."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class SeenMessage(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("mailbox", "backend_id", name="uq_messages_backend_id"),
        Index("ix_messages_mailbox_message_id", "mailbox", "message_id"),
        Index("ix_messages_status", "status"),
        Index("ix_messages_sender", "sender"),  # `mqtriage forget`
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(320))
    backend_id: Mapped[str] = mapped_column(String(512))
    message_id: Mapped[str] = mapped_column(String(998))
    thread_id: Mapped[str] = mapped_column(String(998), default="")
    sender: Mapped[str] = mapped_column(String(320), default="")
    sender_name: Mapped[str] = mapped_column(String(320), default="")
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    received: Mapped[datetime | None] = mapped_column(nullable=True)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="new")  # new|processing|decided|done|failed|quarantined|recorded|duplicate
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)
    direction: Mapped[str] = mapped_column(String(10), default="in")  # in | out (officers' replies seen)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
    purged_at: Mapped[datetime | None] = mapped_column(nullable=True)  # excerpt/body/findings removed (retention or forget)

    findings: Mapped[list["FindingRow"]] = relationship(back_populates="message", cascade="all, delete-orphan")


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("mailbox", "thread_id", name="uq_cases_thread"),
        Index("ix_cases_status_due", "status", "due"),
        Index("ix_cases_service", "service"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    mailbox: Mapped[str] = mapped_column(String(320))
    thread_id: Mapped[str] = mapped_column(String(998))
    member_email: Mapped[str] = mapped_column(String(320), default="")
    member_name: Mapped[str] = mapped_column(String(320), default="")
    ward: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    service: Mapped[str] = mapped_column(String(100), default="")
    route_mailbox: Mapped[str] = mapped_column(String(320), default="")
    route_reason: Mapped[str] = mapped_column(Text, default="")
    manager: Mapped[str] = mapped_column(String(320), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|answered|closed|triage
    flags: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received: Mapped[datetime] = mapped_column()
    day_of_receipt: Mapped[date | None] = mapped_column(Date, nullable=True)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    acknowledge_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    profile: Mapped[str] = mapped_column(String(50), default="")
    member_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    member_deadline_text: Mapped[str] = mapped_column(Text, default="")
    member_deadline_unreasonable: Mapped[bool] = mapped_column(Boolean, default=False)
    acknowledged_at: Mapped[datetime | None] = mapped_column(nullable=True)
    interim_at: Mapped[datetime | None] = mapped_column(nullable=True)
    interim_estimate: Mapped[date | None] = mapped_column(Date, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_pk: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(50))
    value: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    kind: Mapped[str | None] = mapped_column(String(50), nullable=True)
    detector: Mapped[str] = mapped_column(String(100))
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message: Mapped[SeenMessage] = relationship(back_populates="findings")


class OutboxItem(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    mailbox: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(50))
    mode: Mapped[str] = mapped_column(String(10))  # shadow|draft|live at the time it was planned
    delivery: Mapped[str] = mapped_column(String(10))  # none|draft|send
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True)
    message_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    thread_id: Mapped[str] = mapped_column(String(998), default="")
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # [{"cid", "content_type", "data" (base64)}]: images the HTML shows inline (the SLA chart)
    inline_images: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True, default=None)
    in_reply_to: Mapped[str] = mapped_column(String(998), default="")
    references: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|done|held|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    backend_ref: Mapped[str | None] = mapped_column(String(512), nullable=True)
    created_at: Mapped[datetime] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)


class AuditEvent(Base):
    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_case", "case_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    mailbox: Mapped[str] = mapped_column(String(320), default="")
    actor: Mapped[str] = mapped_column(String(320), default="bot")
    event: Mapped[str] = mapped_column(String(50))
    message_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SyncState(Base):
    __tablename__ = "sync_state"
    mailbox: Mapped[str] = mapped_column(String(320), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column()


class Lease(Base):
    __tablename__ = "leases"
    mailbox: Mapped[str] = mapped_column(String(320), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column()
    acquired_at: Mapped[datetime | None] = mapped_column(nullable=True)  # when this holder took it (for `mqtriage jobs`)


class Correction(Base):
    __tablename__ = "corrections"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(String(320))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), nullable=True, index=True)
    message_pk: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), nullable=True)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")  # the excerpt the label applies to, for training

"""End-to-end harness: a council in a temp folder, a Maildir, the real pipeline, injected findings.

The text classifiers are retrained separately, so end-to-end tests that need a label
true say so with ``inject`` (keyed by Message-ID) instead of relying on model scores.
Everything else (parse, sender, third parties, rules, store, outbox, Maildir) is real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select

from bot.backends.maildir import MaildirMailbox
from bot.config import load_config
from bot.message import Message
from bot.services import Services, build_services
from classifiers.findings import Finding
from classifiers.pipeline import Classification, Detectors
from storage.models import AuditEvent, Case, OutboxItem
from tests.conftest import write_config


@dataclass
class InjectingDetectors:
    """The real (rules-only) detectors, with some findings replaced per Message-ID."""

    inner: Detectors
    overrides: dict[str, dict[str, Finding]] = field(default_factory=dict)

    def classify(self, message: Message) -> Classification:
        result = self.inner.classify(message)
        return Classification(findings={**result.findings, **self.overrides.get(message.message_id, {})}, member=result.member, doc=result.doc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def inject(self, message_id: str, **labels: Any) -> None:
        """``inject("<id@x>", enquiry=True, complaint="officer", personal_interest="declared")``."""
        found = self.overrides.setdefault(message_id, {})
        for label, value in labels.items():
            kind = value if isinstance(value, str) else None
            found[label] = Finding(label, bool(value), 1.0 if value else 0.0, "test", (), kind=kind)


def fixed_clock(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def council_services(folder: Path, blank_factory: Callable[..., Any], *, extra: str = "", mode: str = "draft",
                     clock: Callable[[], datetime] | None = None, on_first_start: str = "process") -> tuple[Services, InjectingDetectors]:
    config = load_config(write_config(folder, extra=extra, mode=mode, on_first_start=on_first_start))
    mailbox = MaildirMailbox(config.resolve(config.mailbox.path), config.mailbox.address)
    from bot.directory import load_directory

    detectors = InjectingDetectors(blank_factory(load_directory(config)))
    services = build_services(config, mailbox, clock=clock or fixed_clock(datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)),
                              detectors=detectors)  # type: ignore[arg-type]
    return services, detectors


def cases(services: Services) -> list[Case]:
    with services.store.session() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def outbox(services: Services) -> list[OutboxItem]:
    with services.store.session() as s:
        return list(s.scalars(select(OutboxItem).order_by(OutboxItem.id)))


def events(services: Services, name: str) -> list[AuditEvent]:
    with services.store.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)))

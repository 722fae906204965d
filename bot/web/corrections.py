"""Staff corrections: a label, the route, the due date.

Each correction is one transaction that changes the case, stores a
:class:`~storage.models.Correction` row and an ``AuditEvent`` (``corrected``) with who,
what, before and after. Label corrections are the classifier's training feedback
(``mqtriage train --with-corrections`` reads them through
:func:`classifiers.feedback.corrections_as_examples`): ``field`` is the label,
``new_value`` ``"true"``/``"false"``, ``text`` the stored excerpt. The bot's own labels
on the message are left as they were, so the record of what it decided stays true.

What a label correction does to the case: the flags become what the messages now say
(bot labels, overridden by the latest correction of each); when no message of the case
is an enquiry any more the case is closed, and an enquiry again reopens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Config
from bot.directory import Directory
from bot.web.auth import User
from rules.base import RuleContext
from rules.routing import service_route
from storage.models import Case, Correction, SeenMessage
from storage.store import Store

LABELS = {
    "enquiry": "Enquiry",
    "third_party_cc": "Third parties copied",
    "personal_interest": "Personal interest",
    "complaint": "Complaint",
    "personal_address": "Personal address",
}
CASE_FLAGS = ("third_party_cc", "personal_interest", "complaint", "personal_address")
OPEN = ("open", "triage")


class CorrectionRefused(Exception):
    """Not allowed or not valid; the text is shown to the person who tried."""


@dataclass(frozen=True)
class Outcome:
    changed: list[str]  # human-readable, one per change

    @property
    def message(self) -> str:
        return "; ".join(self.changed) if self.changed else "Nothing changed."


def _case_for(s: Session, case_id: int, user: User) -> Case:
    case = s.get(Case, case_id, with_for_update=True)
    if case is None or not user.may_see(case.service):
        raise CorrectionRefused("That case does not exist or you may not change it.")
    return case


def _bool_text(value: bool) -> str:
    return "true" if value else "false"


def corrected_labels(s: Session, case_id: int) -> dict[int, dict[str, bool]]:
    """Per inbound message of the case: its labels, with the latest corrections applied."""
    messages = list(s.scalars(select(SeenMessage).where(SeenMessage.case_id == case_id, SeenMessage.direction == "in")))
    current = {m.id: {k: bool((m.labels or {}).get(k)) for k in LABELS} for m in messages}
    for corr in s.scalars(select(Correction).where(Correction.case_id == case_id).order_by(Correction.id)):
        if corr.message_pk in current and corr.field in LABELS:
            current[corr.message_pk][corr.field] = corr.new_value == "true"
    return current


def correct_labels(store: Store, case_id: int, message_pk: int, wanted: dict[str, bool], user: User,
                   clock: Callable[[], datetime]) -> Outcome:
    now = clock()
    changed: list[str] = []
    with store.session() as s:
        case = _case_for(s, case_id, user)
        message = s.get(SeenMessage, message_pk)
        if message is None or message.case_id != case.id or message.direction != "in":
            raise CorrectionRefused("That message is not part of this case.")
        before = corrected_labels(s, case.id)[message.id]
        for label, value in wanted.items():
            if label not in LABELS or before[label] == value:
                continue
            s.add(Correction(at=now, actor=user.name, case_id=case.id, message_pk=message.id, field=label,
                             old_value=_bool_text(before[label]), new_value=_bool_text(value), text=message.excerpt or ""))
            store.audit(s, "corrected", mailbox=case.mailbox, actor=user.name, message_pk=message.id, case_id=case.id,
                        field=label, old=before[label], new=value, ref=case.ref)
            changed.append(f"{LABELS[label]}: {'yes' if before[label] else 'no'} → {'yes' if value else 'no'}")
        if changed:
            s.flush()
            _refresh_case(store, s, case, user, now)
    return Outcome(changed)


def _refresh_case(store: Store, s: Session, case: Case, user: User, now: datetime) -> None:
    labels = corrected_labels(s, case.id)
    flags = dict(case.flags or {})
    for label in CASE_FLAGS:
        flags[label] = any(m[label] for m in labels.values())
    case.flags = flags
    enquiry = any(m["enquiry"] for m in labels.values())
    if not enquiry and case.status in OPEN:
        store.audit(s, "case-closed", mailbox=case.mailbox, actor=user.name, case_id=case.id, ref=case.ref,
                    why="corrected: no message in the case is an enquiry")
        case.status = "closed"
    elif enquiry and case.status == "closed":
        store.audit(s, "case-reopened", mailbox=case.mailbox, actor=user.name, case_id=case.id, ref=case.ref,
                    why="corrected: an enquiry after all")
        case.status = "open"
    case.updated_at = now


def correct_route(store: Store, config: Config, directory: Directory, case_id: int, service: str, reason: str, user: User,
                  clock: Callable[[], datetime]) -> Outcome:
    service = service.strip().lower()
    if not service or len(service) > 100:
        raise CorrectionRefused("Choose a service.")
    now = clock()
    with store.session() as s:
        case = _case_for(s, case_id, user)
        if service == case.service:
            return Outcome([])
        ctx = RuleContext(config=config, directory=directory, clock=clock)
        route = service_route(ctx, service, f"corrected by {user.name}" + (f": {reason}" if reason else ""))
        old = case.service
        s.add(Correction(at=now, actor=user.name, case_id=case.id, message_pk=_first_message(s, case.id), field="route",
                         old_value=old, new_value=service, text=""))
        store.audit(s, "corrected", mailbox=case.mailbox, actor=user.name, case_id=case.id, ref=case.ref, field="route",
                    old=old, new=service, mailbox_to=route.mailbox, reason=reason)
        case.service, case.route_mailbox, case.manager, case.route_reason = service, route.mailbox, route.manager, route.reason
        if case.status == "triage":
            case.status = "open"  # a person has now chosen where it goes
        case.updated_at = now
    return Outcome([f"Route: {old or '-'} → {service}"])


def correct_due(store: Store, case_id: int, due: date, reason: str, user: User, clock: Callable[[], datetime]) -> Outcome:
    now = clock()
    with store.session() as s:
        case = _case_for(s, case_id, user)
        if due == case.due:
            return Outcome([])
        received = case.day_of_receipt
        if received is not None and due < received:
            raise CorrectionRefused(f"The due date cannot be before the day of receipt ({received:%-d %B %Y}).")
        old = case.due
        s.add(Correction(at=now, actor=user.name, case_id=case.id, message_pk=_first_message(s, case.id), field="due",
                         old_value=old.isoformat() if old else "", new_value=due.isoformat(), text=""))
        store.audit(s, "corrected", mailbox=case.mailbox, actor=user.name, case_id=case.id, ref=case.ref, field="due",
                    old=old, new=due, reason=reason)
        case.due = due
        case.updated_at = now
    return Outcome([f"Due date: {old:%-d %b %Y} → {due:%-d %b %Y}" if old else f"Due date: set to {due:%-d %b %Y}"])


def _first_message(s: Session, case_id: int) -> int | None:
    return s.scalar(select(SeenMessage.id).where(SeenMessage.case_id == case_id, SeenMessage.direction == "in")
                    .order_by(SeenMessage.received, SeenMessage.id).limit(1))

"""Reminders before a case is due and escalations when it is overdue.

``run_reminders(services)`` is the scheduler's job (working days only). For each open
case it queues, through the outbox and the bot's delivery mode:

- a **reminder** to the route's mailbox (the assigned team or officer) from
  ``reminder_working_days_before`` working days before the due date up to the due date;
- an **escalation** to the route's manager once the case is more than
  ``escalate_working_days_after`` working days past its due date.

Each is queued at most once per case and due date (an idempotency key names both): a
case reopened by the member, or paused by an interim reply whose estimate then passes,
has a new due date and may be reminded again. When an interim reply stops the clock
(the profile's ``interim_stops_clock``) the estimate it gave is the date that counts;
without an estimate nothing more is sent. Delivery happens in the next poll cycle.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select

from bot.outgoing import clean_header
from bot.delivery import delivery_for
from bot.services import Services
from storage.models import Case, OutboxItem
from storage.store import idempotency_key

log = logging.getLogger("mqtriage.reminders")

OPEN = ("open", "triage")


def run_reminders(services: Services) -> int:
    """Queue today's reminders and escalations; return how many were queued."""
    calendar, profile = services.engine.calendar, services.engine.profile
    now = services.clock()
    today = calendar.local(now).date()
    if not calendar.is_working_day(today):
        log.info("no reminders: %s is not a working day", today)
        return 0
    with services.store.session() as s:
        ids = list(s.scalars(select(Case.id).where(Case.mailbox == services.mailbox_name, Case.status.in_(OPEN),
                                                   Case.due.is_not(None)).order_by(Case.due, Case.id)))
    queued = 0
    for case_id in ids:
        try:
            queued += _one_case(services, case_id, today, now)
        except Exception:  # one bad case must not stop the others
            log.exception("reminders: case %s failed", case_id)
    return queued


def effective_due(case: Case, interim_stops_clock: bool) -> date | None:
    """The date the case is measured against now (``None``: the clock is stopped)."""
    if case.interim_at is not None and interim_stops_clock:
        return case.interim_estimate
    return case.due


def _one_case(services: Services, case_id: int, today: date, now: datetime) -> int:
    calendar, profile = services.engine.calendar, services.engine.profile
    with services.store.session() as s:
        case = s.get(Case, case_id)
        if case is None or case.status not in OPEN:
            return 0
        due = effective_due(case, profile.interim_stops_clock)
        if due is None:
            return 0
        if today > due:
            late = calendar.working_days_between(due, today)
            if late > profile.escalate_working_days_after:
                to = case.manager or services.config.routing.triage_mailbox or services.directory.mailbox
                return _queue(services, s, case, "escalation", to, due, today, now, late)
            return 0
        if calendar.working_days_between(today, due) <= profile.reminder_working_days_before:
            to = case.route_mailbox or services.directory.mailbox
            return _queue(services, s, case, "reminder", to, due, today, now, 0)
        return 0


def _queue(services: Services, s: Any, case: Case, kind: str, to: str, due: date, today: date, now: datetime, late: int) -> int:
    mailbox = services.mailbox_name
    to = to.lower()
    if to == mailbox:
        return 0  # the triage queue is the mailbox itself: people see it on the dashboard
    key = idempotency_key(mailbox, kind, str(case.id), due.isoformat())
    if s.scalar(select(OutboxItem.id).where(OutboxItem.key == key)) is not None:
        return 0
    rendered = services.renderer.render(kind, _context(services, case, due, today, late))
    delivery = delivery_for(services.config.bot, kind)
    label = "Reminder" if kind == "reminder" else "Overdue"
    s.add(OutboxItem(
        key=key, mailbox=mailbox, kind=kind, mode=services.config.bot.mode, delivery=delivery, case_id=case.id,
        message_pk=None, thread_id="", to_addr=to,
        subject=f"{label}: [{case.ref}] {clean_header(case.subject, 160)} (due {due:%a %-d %b})",
        body_text=rendered.text, body_html=rendered.html, status="held" if delivery == "none" else "pending", created_at=now,
    ))
    if kind == "reminder":
        case.reminded_at = now
    else:
        case.escalated_at = now
    case.updated_at = now
    services.store.audit(s, f"{kind}-queued", mailbox=mailbox, case_id=case.id, ref=case.ref, to=to, due=due,
                         delivery=delivery, key=key)
    log.info("%s queued for case %s (due %s)", kind, case.ref, due, extra={"case": case.ref or "", "event": f"{kind}-queued"})
    return 1


def _context(services: Services, case: Case, due: date, today: date, late: int) -> dict[str, Any]:
    cfg, calendar, profile = services.config, services.engine.calendar, services.engine.profile
    service_cfg = cfg.routing.services.get(case.service)
    left = calendar.working_days_between(today, due)
    return {
        "ref": case.ref or "",
        "subject": case.subject or "(no subject)",
        "member_name": case.member_name or case.member_email,
        "ward": case.ward,
        "received": _long(calendar.local(_aware(case.received))) if case.received else "",
        "due": _long(due),
        "when": "today" if left == 0 else f"in {left} working day{'s' if left != 1 else ''}",
        "overdue": f"{late} working day{'s' if late != 1 else ''}",
        "member_deadline": _long(case.member_deadline) if case.member_deadline else "",
        "interim_estimate": _long(case.interim_estimate) if case.interim_estimate else "",
        "service_name": (service_cfg.name if service_cfg and service_cfg.name else case.service.replace("_", " ").title()) or "the service",
        "route_mailbox": case.route_mailbox,
        "standard": profile.description,
        "signature": cfg.bot.signature,
        "council": cfg.council.name,
    }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite returns naive UTC


def _long(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.strftime("%A %-d %B %Y at %H:%M")
    return value.strftime("%A %-d %B %Y")

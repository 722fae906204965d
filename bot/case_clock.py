"""The case clock: officers' replies that leave the mailbox answer (or pause) cases.

A case is *answered* when an officer's reply to the member leaves the mailbox. Replies
are matched to cases by thread (``In-Reply-To``/``References`` and the messages we
have already recorded), never by subject text. A reply that promises a full answer
later (an interim reply, a holding reply) records its estimate instead; whether that
stops the clock is the deadline profile's ``interim_stops_clock``. A new message from
the member in an answered thread reopens the case (``bot.pipeline._continue_case``).

Sent mail is read with the optional ``Mailbox.fetch_sent(cursor, limit, since=...)``; a
backend without it simply has no case clock yet. ``since`` is when the bot was first
enabled on the mailbox, less a day: older sent mail is skipped by every backend, before
it is downloaded where the protocol allows.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.backends.base import RawItem
from bot.message import Message
from bot.outgoing import clean_header
from bot.parse import parse_message
from bot.services import Services
from rules.member_deadline import parse_member_deadline
from rules.workdays import WorkingCalendar
from storage.models import Case, SeenMessage

log = logging.getLogger("mqtriage.case_clock")

SENT_CURSOR = "sent_cursor"
MAX_PAGES = 20

_INTERIM = re.compile(
    r"\b(interim (reply|response|update)|holding (reply|response|email|e-mail)|initial (reply|response)|"
    r"not (yet )?(been )?able to (give|provide|send) (you )?a full|full (reply|response|answer) (will|to) follow)\b",
    re.I,
)
_PROMISE = re.compile(
    r"\b((will|shall|'ll|aim to|expect to|hope to|intend to|plan to)\s+(\w+\s+){0,3}?(get back|come back|reply|respond|"
    r"write|update|let you know|provide|send|have an answer|have a full)|full (reply|response|answer)|"
    r"(expect|estimate|anticipate)\w*\s+(\w+\s+){0,4}?(reply|response|answer|update))",
    re.I,
)
_WITHIN = re.compile(r"\bwithin\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+(working\s+|business\s+)?(day|week)s?\b", re.I)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass(frozen=True, slots=True)
class ReplyKind:
    interim: bool
    estimate: date | None
    why: str


def classify_reply(message: Message, calendar: WorkingCalendar) -> ReplyKind:
    """A full answer, or an interim reply with (perhaps) an estimate of the full one."""
    text = f"{message.subject}\n{message.new_text}"
    sent_local = calendar.local(message.received)
    estimate = _estimate(text, sent_local, calendar)
    marked = _INTERIM.search(text)
    if marked:
        return ReplyKind(True, estimate, f"interim reply: '{marked.group(0)}'")
    promise = _PROMISE.search(message.new_text)
    if promise and estimate is not None:
        return ReplyKind(True, estimate, f"promises a reply ('{promise.group(0)}') by {estimate.isoformat()}")
    return ReplyKind(False, None, "reply to the member")


def _estimate(text: str, sent_local: datetime, calendar: WorkingCalendar) -> date | None:
    found = parse_member_deadline(text, sent_local)
    within = _WITHIN.search(text)
    candidates = [found.day] if found else []
    if within:
        raw = within.group(1).lower()
        n = int(raw) if raw.isdigit() else _NUMBERS[raw]
        start = calendar.day_of_receipt(sent_local)
        if within.group(3).lower() == "week":
            candidates.append(calendar.add_working_days(start, 5 * n))
        else:
            candidates.append(calendar.add_working_days(start, n))
    return max(candidates) if candidates else None


# Sent mail from before the bot was first enabled can answer no case when mail already in
# the mailbox then is only recorded or ignored (``mailbox.on_first_start``, "record" by
# default): cases open only for mail received since, and a reply leaves after the message
# it answers. So the backends skip it, and the first sync of a mailbox with years of Sent
# Items reads days, not years. A day's grace for clocks. With "process", the backlog
# opens cases of its own, which older replies may answer: everything is read, as before.
SENT_GRACE = timedelta(days=1)


def sent_since(services: Services) -> datetime | None:
    """The oldest sent mail worth reading: a day before the mailbox was first polled (None
    before that, or when the first poll processed the mail already there)."""
    from bot.runner import ENABLED_AT  # recorded by the runner on the first poll (imported here: the runner imports this module)

    if services.config.mailbox.on_first_start == "process":
        return None
    enabled = services.store.get_sync(services.mailbox_name, ENABLED_AT)
    if enabled is None:
        return None
    when = datetime.fromisoformat(enabled)
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)) - SENT_GRACE


def record_sent(services: Services) -> int:
    """Read what left the mailbox since the last cycle; return how many cases it changed."""
    fetch = getattr(services.mailbox, "fetch_sent", None)
    if fetch is None:
        return 0
    store, name = services.store, services.mailbox_name
    cursor = store.get_sync(name, SENT_CURSOR)
    since = sent_since(services)
    changed = 0
    for _ in range(MAX_PAGES):
        batch = fetch(cursor, services.config.bot.batch_size, since=since)
        for item in batch.items:
            changed += record_one(services, item)
        if batch.cursor is not None and batch.cursor != cursor:
            store.set_sync(name, SENT_CURSOR, batch.cursor)  # only after the batch is recorded
            cursor = batch.cursor
        if not batch.more:
            break
    return changed


def record_one(services: Services, item: RawItem) -> bool:
    """Record one sent message; answer, pause or leave its case. True if a case changed."""
    store, name, now = services.store, services.mailbox_name, services.clock()
    msg = parse_message(item.raw, item.backend_id, received=item.received, thread_id=item.thread_id)
    if msg.header("x-mq-idempotency-key"):
        return False  # our own automatic mail, from a backend that does not filter it
    with store.session() as s:
        if s.scalar(select(SeenMessage.id).where(SeenMessage.mailbox == name, SeenMessage.backend_id == item.backend_id)) is not None:
            return False
        case = case_of_reply(services, s, msg)
        recipients = [a.email for a in msg.recipients]
        s.add(SeenMessage(
            mailbox=name, backend_id=item.backend_id[:512], message_id=msg.message_id[:998],
            thread_id=(case.thread_id if case else msg.thread_id)[:998], sender=msg.sender.email if msg.sender else "",
            sender_name=(msg.sender.name if msg.sender else "")[:320],
            recipients=[{"email": a.email, "header": h} for h, group in (("to", msg.to), ("cc", msg.cc)) for a in group],
            subject=clean_header(msg.subject, 998), received=msg.received, status="recorded", direction="out",
            case_id=case.id if case else None, labels={}, excerpt=" ".join(msg.new_text.split())[: services.config.storage.excerpt_chars],
            created_at=now, updated_at=now,
        ))
        if case is None or case.status not in ("open", "triage", "answered"):
            return False
        if case.member_email.lower() not in recipients:
            store.audit(s, "reply-not-to-member", mailbox=name, case_id=case.id, ref=case.ref)
            return False
        kind = classify_reply(msg, services.engine.calendar)
        if kind.interim:
            case.interim_at = msg.received
            case.interim_estimate = kind.estimate
            case.updated_at = now
            store.audit(s, "case-interim", mailbox=name, case_id=case.id, ref=case.ref, estimate=kind.estimate, why=kind.why)
            return True
        if _member_wrote_since(s, case, msg.received):
            store.audit(s, "reply-before-member-follow-up", mailbox=name, case_id=case.id, ref=case.ref)
            return False
        if case.status == "answered":
            return False
        case.status = "answered"
        case.answered_at = msg.received
        case.updated_at = now
        store.audit(s, "case-answered", mailbox=name, case_id=case.id, ref=case.ref, answered_at=msg.received, why=kind.why)
        return True


def case_of_reply(services: Services, s: Session, msg: Message) -> Case | None:
    """The case whose thread this message is in: its references, or messages we recorded."""
    store, name = services.store, services.mailbox_name
    candidates = [msg.thread_id, msg.in_reply_to, *msg.references]
    thread = store.thread_of(s, name, [msg.in_reply_to, *msg.references])
    if thread:
        candidates.append(thread)
    return store.case_for_thread(s, name, candidates)


def _member_wrote_since(s: Session, case: Case, moment: datetime) -> bool:
    """Did the member write again in this case after ``moment``? Then it is not answered."""
    rows = s.scalars(select(SeenMessage).where(
        SeenMessage.case_id == case.id, SeenMessage.direction == "in", SeenMessage.sender == case.member_email))
    return any(row.received is not None and _aware(row.received) > _aware(moment) and bool((row.labels or {}).get("enquiry"))
               for row in rows)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive UTC datetimes; PostgreSQL aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)

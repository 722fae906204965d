"""One poll cycle: fetch new → per message (parse, classify, decide, act, record) → deliver.

The runner commits per message and never lets one message stop the cycle: a message
that raises is retried on later cycles up to ``bot.max_attempts`` and then quarantined
(stored with its traceback, flagged in the mailbox). Attempts are counted *before* the
work starts, so a message that crashes the whole process is quarantined too.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy.exc import InterfaceError, OperationalError

from bot.backends.base import AuthenticationFailed, BackendError, RawItem, TransientBackendError
from bot.delivery import deliver_pending
from bot.pipeline import classify_stage, decide_stage, parse_stage, record_stage, rule_context
from bot.services import Services
from storage.store import FINAL_STATUSES

log = logging.getLogger("mqtriage.runner")

ENABLED_AT = "enabled_at"
CURSOR = "cursor"
MAX_PAGES = 50  # one cycle reads at most this many batches before yielding


class StopRequested(Exception):
    """Raised between messages when a graceful stop was asked for."""


@dataclass
class CycleReport:
    fetched: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    quarantined: int = 0
    delivered: int = 0
    refs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    labels: Counter[str] = field(default_factory=Counter)  # processed messages per true label (metrics)
    actions: Counter[str] = field(default_factory=Counter)  # queued actions per kind (metrics)
    clock_changes: int = 0  # cases answered or paused by officers' replies (bot.case_clock)


# Not the message's fault: stop the cycle and retry later rather than count it against the message.
NOT_THE_MESSAGE = (TransientBackendError, AuthenticationFailed, OperationalError, InterfaceError)


def poll_once(services: Services, progress: Callable[[int, int], None] | None = None, should_stop: Callable[[], bool] = lambda: False,
              report: CycleReport | None = None) -> CycleReport:
    """``report``, if given, is filled in place, so a cycle that raises still tells what it did."""
    started = time.monotonic()
    report = report if report is not None else CycleReport()
    store, mailbox, name = services.store, services.mailbox, services.mailbox_name
    report.delivered += deliver_pending(services)  # finish what a crash interrupted
    _finish_decided(services, report)
    enabled_at = _enabled_at(services)
    cursor = store.get_sync(name, CURSOR)
    handled: set[str] = set()  # a message that failed stays "new" in the mailbox: once per cycle is enough
    _retry_failed(services, enabled_at, report, handled, should_stop)
    for _ in range(MAX_PAGES):
        batch = mailbox.fetch_new(cursor, services.config.bot.batch_size)
        fresh = [item for item in batch.items if item.backend_id not in handled]
        report.fetched += len(fresh)
        for index, item in enumerate(fresh, start=1):
            if should_stop():
                raise StopRequested()
            handled.add(item.backend_id)
            process_item(services, item, enabled_at, report, resync=batch.resync)
            if progress:
                progress(index, len(fresh))
        if batch.cursor is not None and batch.cursor != cursor:
            store.set_sync(name, CURSOR, batch.cursor)  # only after the whole batch is recorded
            cursor = batch.cursor
        if not batch.more or not fresh:
            break
    _case_clock(services, report)
    report.seconds = time.monotonic() - started
    return report


def _retry_failed(services: Services, enabled_at: datetime | None, report: CycleReport, handled: set[str], should_stop: Callable[[], bool]) -> None:
    """Messages that failed earlier are fetched again by id: cursor-based backends
    (IMAP, Graph, EWS) have moved past them and would never offer them again, and
    each must end done or quarantined, never forgotten."""
    for _pk, backend_id in services.store.messages_with_status(services.mailbox_name, "failed"):
        if should_stop():
            raise StopRequested()
        try:
            item = services.mailbox.fetch_one(backend_id)
        except (TransientBackendError, AuthenticationFailed):
            raise
        except BackendError as exc:
            log.warning("failed message %s cannot be fetched again (%s): quarantining its record", backend_id, exc)
            attempt = services.store.begin_attempt(services.mailbox_name, backend_id)
            quarantine(services, attempt.pk, backend_id, f"message no longer in the mailbox: {exc}", report)
            continue
        handled.add(backend_id)
        report.fetched += 1
        process_item(services, item, enabled_at, report)


def _case_clock(services: Services, report: CycleReport) -> None:
    """Officers' replies that left the mailbox answer or pause cases (after the inbox, so the cases exist)."""
    if not hasattr(services.mailbox, "fetch_sent"):
        return  # this backend cannot read sent mail yet
    from bot.case_clock import record_sent

    try:
        report.clock_changes += record_sent(services)
    except (TransientBackendError, AuthenticationFailed):
        raise
    except BackendError as exc:
        log.error("could not read sent mail for the case clock: %s", exc)


def _enabled_at(services: Services) -> datetime | None:
    """When this mailbox was first polled; mail received earlier is pre-existing."""
    name = services.mailbox_name
    value = services.store.get_sync(name, ENABLED_AT)
    if value is None:
        now = services.clock()
        services.store.set_sync(name, ENABLED_AT, now.isoformat())
        return now
    return datetime.fromisoformat(value)


def _finish_decided(services: Services, report: CycleReport) -> None:
    for pk, backend_id in services.store.messages_with_status(services.mailbox_name, "decided"):
        _mark_processed(services, backend_id)
        services.store.set_status(pk, "done")
        report.processed += 1


def process_item(services: Services, item: RawItem, enabled_at: datetime | None, report: CycleReport, resync: bool = False) -> None:
    store, name = services.store, services.mailbox_name
    attempt = store.begin_attempt(name, item.backend_id)
    if attempt.status in FINAL_STATUSES:
        _mark_processed(services, item.backend_id)  # a crash may have come between record and mark
        report.skipped += 1
        return
    if attempt.status == "decided":
        report.delivered += deliver_pending(services)
        _mark_processed(services, item.backend_id)
        store.set_status(attempt.pk, "done")
        report.processed += 1
        return
    if attempt.attempts > services.config.bot.max_attempts:
        quarantine(services, attempt.pk, item.backend_id, attempt.last_error or "gave up: the process stopped while handling this message", report)
        return
    try:
        state = parse_stage(services, item)
        if store.already_seen_message_id(name, state.message.message_id, attempt.pk):
            store.set_status(attempt.pk, "duplicate")
            _mark_processed(services, item.backend_id)
            report.skipped += 1
            return
        state.preexisting = _is_preexisting(services, state.message.received, enabled_at, resync)
        if state.preexisting and services.config.mailbox.on_first_start == "ignore":
            # The council chose not to record mail from before the bot: mark it and move on.
            store.set_status(attempt.pk, "ignored")
            _mark_processed(services, item.backend_id)
            report.skipped += 1
            return
        classify_stage(services, state)
        ctx = rule_context(services, state)
        decide_stage(services, ctx, state)
        record_stage(services, state, attempt.pk)
    except NOT_THE_MESSAGE:
        raise  # the mailbox or the database, not the message: stop the cycle, retry later
    except Exception:
        error = traceback.format_exc(limit=20)
        if attempt.attempts >= services.config.bot.max_attempts:
            quarantine(services, attempt.pk, item.backend_id, error, report)
        else:
            store.set_status(attempt.pk, "failed", error)
            report.failed += 1
            log.warning("message %s failed (attempt %d of %d); will retry", item.backend_id, attempt.attempts, services.config.bot.max_attempts)
        return
    report.delivered += deliver_pending(services)
    _mark_processed(services, item.backend_id)
    store.set_status(attempt.pk, "done")
    report.processed += 1
    if state.case_ref:
        report.refs.append(state.case_ref)
    report.labels.update(name for name, finding in state.findings.items() if finding.value)
    if not state.suppress_automatic_mail:
        report.actions.update(action.kind for action in state.planned)
    log.info("decided %s: case=%s route=%s suppressed=%s planned=%s", item.backend_id, state.case_ref,
             state.route.service if state.route else None, ",".join(state.suppress_automatic_mail) or "-",
             ",".join(a.kind for a in state.planned) or "-", extra={"case": state.case_ref or "", "event": "decided", "mailbox": name})


def _is_preexisting(services: Services, received: datetime, enabled_at: datetime | None, resync: bool) -> bool:
    if services.config.mailbox.on_first_start == "process":
        return False
    return enabled_at is not None and received < enabled_at


def quarantine(services: Services, pk: int, backend_id: str, error: str, report: CycleReport) -> None:
    store = services.store
    store.set_status(pk, "quarantined", error)
    with store.session() as s:
        store.audit(s, "quarantined", mailbox=services.mailbox_name, message_pk=pk, error=error.strip().splitlines()[-1][:300])
    try:
        services.mailbox.quarantine(backend_id)
    except BackendError as exc:
        log.error("could not flag quarantined message %s in the mailbox: %s", backend_id, exc)
    report.quarantined += 1
    log.error("quarantined message %s after repeated failures: %s", backend_id, error.strip().splitlines()[-1][:200])


def _mark_processed(services: Services, backend_id: str) -> None:
    try:
        services.mailbox.mark_processed(backend_id)
    except (TransientBackendError, AuthenticationFailed):
        raise
    except BackendError as exc:
        # Gone or moved by a person: the database already says it is done.
        log.warning("could not mark %s processed: %s", backend_id, exc)

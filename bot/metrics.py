"""Prometheus metrics for one worker process, served at ``/metrics`` by :mod:`bot.health`.

Counters describe what *this process* did (sum them over workers in PromQL); the gauges
read from the database at scrape time (open and overdue cases, outbox backlog) describe
the deployment and are the same whichever worker you ask. Every metric carries the
``mailbox`` label so one deployment serving several mailboxes can be told apart.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.runner import CycleReport
from storage.models import Case, OutboxItem

log = logging.getLogger("mqtriage.metrics")

POLL_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)


def error_kind(exc: BaseException) -> str:
    """A short, bounded label for ``mq_backend_errors_total`` (never the message text)."""
    from sqlalchemy.exc import DBAPIError

    from bot.backends.base import AuthenticationFailed, BackendError, CursorExpired, TransientBackendError

    if isinstance(exc, AuthenticationFailed):
        return "authentication"
    if isinstance(exc, CursorExpired):
        return "cursor_expired"
    if isinstance(exc, TransientBackendError):
        return "transient"
    if isinstance(exc, BackendError):
        return "backend"
    if isinstance(exc, DBAPIError):
        return "database"
    if isinstance(exc, OSError):
        return "os"
    return "other"


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.outcomes = Counter("mq_messages", "Messages handled, by outcome (processed, skipped, failed, quarantined).", ["mailbox", "outcome"], registry=r)
        self.processed_by_label = Counter("mq_messages_processed", "Processed messages by label; a message counts once for each label it carries ('none' if it has none).", ["mailbox", "label"], registry=r)
        self.actions = Counter("mq_actions", "Automatic actions queued, by kind (acknowledgement, warning_*, sla_summary, ...).", ["mailbox", "kind"], registry=r)
        self.quarantined = Counter("mq_messages_quarantined", "Messages quarantined after repeated failures.", ["mailbox"], registry=r)
        self.poll_duration = Histogram("mq_poll_duration_seconds", "Duration of one poll cycle, successful or not.", ["mailbox"], buckets=POLL_BUCKETS, registry=r)
        self.backend_errors = Counter("mq_backend_errors", "Poll cycles that failed, by kind (transient, authentication, backend, database, os, other).", ["mailbox", "kind"], registry=r)
        self.last_success = Gauge("mq_last_successful_poll_timestamp_seconds", "Unix time of this process's last successful poll.", ["mailbox"], registry=r)
        self.lease_held = Gauge("mq_lease_held", "1 if this process holds the mailbox's lease.", ["mailbox"], registry=r)
        self.jobs = Counter("mq_job_runs", "Scheduled job runs, by job and result (ok, error, skipped).", ["job", "result"], registry=r)

    def record_cycle(self, mailbox: str, report: CycleReport) -> None:
        for outcome in ("processed", "skipped", "failed", "quarantined"):
            value = getattr(report, outcome)
            if value:
                self.outcomes.labels(mailbox, outcome).inc(value)
        if report.quarantined:
            self.quarantined.labels(mailbox).inc(report.quarantined)
        labelled = sum(report.labels.values())
        for label, count in report.labels.items():
            self.processed_by_label.labels(mailbox, label).inc(count)
        if report.processed and not labelled:
            self.processed_by_label.labels(mailbox, "none").inc(report.processed)
        for kind, count in report.actions.items():
            self.actions.labels(mailbox, kind).inc(count)

    def watch_store(self, engine_factory: Callable[[], object], mailboxes: Iterable[tuple[str, Callable[[], datetime]]]) -> None:
        """Add the scrape-time gauges read from the database."""
        self.registry.register(_StoreCollector(engine_factory, list(mailboxes)))


class _StoreCollector(Collector):
    def __init__(self, engine_factory: Callable[[], object], mailboxes: list[tuple[str, Callable[[], datetime]]]) -> None:
        self._engine = engine_factory
        self._mailboxes = mailboxes  # (address, local-now function)

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Without this, registering would call collect() and so query the database.
        for name in ("mq_database_up", "mq_open_cases", "mq_overdue_cases", "mq_outbox_items"):
            yield GaugeMetricFamily(name, "")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("mq_database_up", "1 if the database answered this scrape.")
        open_cases = GaugeMetricFamily("mq_open_cases", "Open cases (open or triage), by service.", labels=["mailbox", "service"])
        overdue = GaugeMetricFamily("mq_overdue_cases", "Open cases past their due date, by service.", labels=["mailbox", "service"])
        outbox = GaugeMetricFamily("mq_outbox_items", "Outbox items not yet delivered (pending) or given up (failed).", labels=["mailbox", "status"])
        try:
            engine = self._engine()
            with engine.connect() as conn:  # type: ignore[attr-defined]
                for address, local_now in self._mailboxes:
                    today = local_now().date()
                    rows = conn.execute(select(Case.service, func.count(), func.sum(_overdue_expr(today)))
                                        .where(Case.mailbox == address, Case.status.in_(["open", "triage"]))
                                        .group_by(Case.service)).all()
                    for service, count, late in rows:
                        open_cases.add_metric([address, service or "-"], count)
                        overdue.add_metric([address, service or "-"], int(late or 0))
                    if not rows:
                        overdue.add_metric([address, "-"], 0)
                    for status in ("pending", "failed"):
                        n = conn.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.mailbox == address, OutboxItem.status == status))
                        outbox.add_metric([address, status], n or 0)
            up.add_metric([], 1)
        except Exception as exc:
            log.debug("metrics: database unreachable: %s", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        yield up
        yield open_cases
        yield overdue
        yield outbox


def _overdue_expr(today):  # type: ignore[no-untyped-def]
    from sqlalchemy import case

    return case((Case.due < today, 1), else_=0)

"""``mqtriage run``: the unattended worker.

One process serves every mailbox of a deployment (the main config plus
``scheduler.also_serve``). APScheduler (3.x) runs, per mailbox:

- ``poll``        every ``bot.poll_interval_seconds`` (never two at once, missed runs coalesced),
- ``reminders``   working days at ``scheduler.reminders_at`` (if :mod:`bot.reminders` exists),
- ``retention``   nightly at ``scheduler.retention_at`` (:mod:`bot.retention`),
- ``sla-summary`` weekly on ``sla.summary_day`` at ``sla.summary_at`` (:mod:`bot.sla`),

all in the council's time zone. Every job for a mailbox runs only in the process that
holds that mailbox's lease (:mod:`bot.leases`), so any number of workers can share one
PostgreSQL database. A failed poll never kills the loop: it is counted, logged once,
and retried after a growing pause (up to ``scheduler.max_backoff_seconds``); after
three failures in a row the lease is let go, so a worker that *can* reach the mailbox
may take over.

Stopping: the first SIGTERM/SIGINT stops new work, lets the message in hand finish
(the runner checks between messages), releases the leases and exits within
``scheduler.stop_timeout_seconds``; if a job is still stuck after that, the process
exits anyway with status 1 (the lease then expires by itself). A second signal exits
at once.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, text

from bot.actions.render import Renderer
from bot.config import Config
from bot.deployment import Deployment, load_deployment
from bot.health import LAST_POLL_OK, HealthServer, HealthState
from bot.leases import LeaseManager, ProcessLock, WorkerRefused, default_holder, sqlite_path
from bot.metrics import Metrics, error_kind
from bot.runner import CycleReport, StopRequested, poll_once
from bot.services import Services
from rules.workdays import WorkingCalendar
from storage.db import make_engine, upgrade
from storage.store import Store

log = logging.getLogger("mqtriage.scheduler")

RELEASE_AFTER_FAILURES = 3
MIGRATION_LOCK_KEY = 0x6D71747269616765  # "mqtriage": one migrating worker at a time on PostgreSQL


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def reminders_available() -> bool:
    """``bot.reminders`` is written separately; until it exists there is no reminders job."""
    return importlib.util.find_spec("bot.reminders") is not None


# --- what runs when ------------------------------------------------------------------
@dataclass(frozen=True)
class JobSpec:
    id: str
    mailbox: str
    kind: str  # poll | reminders | retention | sla-summary
    trigger: BaseTrigger
    description: str


def job_specs(deployment: Deployment) -> tuple[list[JobSpec], list[str]]:
    """Every job of the deployment, and a note for each job that is off and why."""
    sched = deployment.main.scheduler
    specs: list[JobSpec] = []
    notes: list[str] = []
    has_reminders = reminders_available()
    for config in deployment.councils:
        address, tz = config.mailbox.address, config.council.tz
        specs.append(JobSpec(f"poll {address}", address, "poll", IntervalTrigger(seconds=config.bot.poll_interval_seconds, timezone=tz),
                             f"fetch and triage new mail every {config.bot.poll_interval_seconds}s"))
        if has_reminders:
            specs.append(JobSpec(f"reminders {address}", address, "reminders",
                                 CronTrigger(day_of_week="mon-fri", hour=sched.reminders_at.hour, minute=sched.reminders_at.minute, timezone=tz),
                                 f"reminders and escalations, working days at {sched.reminders_at:%H:%M}"))
        else:
            notes.append(f"reminders {address}: off (bot.reminders is not installed yet)")
        specs.append(JobSpec(f"retention {address}", address, "retention",
                             CronTrigger(hour=sched.retention_at.hour, minute=sched.retention_at.minute, timezone=tz),
                             f"purge excerpts and findings older than {config.storage.retention_days} days, nightly at {sched.retention_at:%H:%M}"))
        if config.sla.summary_to:
            specs.append(JobSpec(f"sla-summary {address}", address, "sla-summary",
                                 CronTrigger(day_of_week=config.sla.summary_day, hour=config.sla.summary_at.hour, minute=config.sla.summary_at.minute, timezone=tz),
                                 f"weekly SLA summary to {config.sla.summary_to}, {config.sla.summary_day} at {config.sla.summary_at:%H:%M}"))
        else:
            notes.append(f"sla-summary {address}: off (sla.summary_to is not set in {config.source.name})")
    return specs, notes


def describe_jobs(config: Config, now: datetime | None = None) -> tuple[list[tuple[JobSpec, datetime | None]], list[str]]:
    now = now or utcnow()
    specs, notes = job_specs(load_deployment(config))
    return [(spec, spec.trigger.get_next_fire_time(None, now)) for spec in specs], notes


# --- one mailbox -----------------------------------------------------------------------
class MailboxWorker:
    """The jobs of one mailbox, run only while this process holds the mailbox's lease."""

    def __init__(self, config: Config, store: Store, leases: LeaseManager, metrics: Metrics, health: HealthState, stop: threading.Event,
                 max_backoff: int, clock: Callable[[], datetime] = utcnow) -> None:
        self.config = config
        self.address = config.mailbox.address
        self.store = store
        self.leases = leases
        self.metrics = metrics
        self.health = health
        self.stop = stop
        self.max_backoff = max_backoff
        self.clock = clock
        self.renderer = Renderer(config.resolve(config.bot.templates_dir) if config.bot.templates_dir else None)
        self.calendar = WorkingCalendar.from_config(config.council)
        self.services: Services | None = None
        self.mailbox_open = False
        self.failures = 0
        self.next_try = 0.0
        self.lock = threading.Lock()  # one job at a time per mailbox: backends are not thread-safe

    # --- services ---------------------------------------------------------------
    def _services(self) -> Services:
        from bot.backends.factory import open_mailbox
        from bot.heap import freeze_long_lived
        from bot.services import build_services

        if self.services is None:
            self.services = build_services(self.config, open_mailbox(self.config), clock=self.clock, store=self.store)
            self.mailbox_open = True
            freeze_long_lived()  # the model and rosters stay for the process
        elif not self.mailbox_open:
            self.services = dataclasses.replace(self.services, mailbox=open_mailbox(self.config))
            self.mailbox_open = True
        return self.services

    def _close_mailbox(self) -> None:
        if self.services is not None and self.mailbox_open:
            self.mailbox_open = False
            try:
                self.services.mailbox.close()
            except Exception:
                pass  # it is already broken; we reopen on the next poll

    def close(self) -> None:
        self._close_mailbox()

    # --- poll ---------------------------------------------------------------------
    def poll(self) -> None:
        if self.stop.is_set() or time.monotonic() < self.next_try:
            return
        with self.lock:
            self._poll()

    def _should_stop(self) -> bool:
        return self.stop.is_set() or not self.leases.valid(self.address)

    def _poll(self) -> None:
        address = self.address
        try:
            if not self.leases.acquire(address):
                self.health.status[address] = "standby"
                self.metrics.lease_held.labels(address).set(0)
                self._close_mailbox()
                return
        except Exception as exc:
            self._failed(exc, "taking the lease")
            return
        self.metrics.lease_held.labels(address).set(1)
        report = CycleReport()
        started = time.monotonic()
        try:
            poll_once(self._services(), should_stop=self._should_stop, report=report)
        except StopRequested:
            self.metrics.record_cycle(address, report)
            why = "stop requested" if self.stop.is_set() else "lease no longer safe"
            log.info("poll of %s ended early (%s) after %d message(s)", address, why, report.processed, extra={"mailbox": address, "event": "poll-stopped"})
            return
        except Exception as exc:
            self.metrics.record_cycle(address, report)
            self.metrics.poll_duration.labels(address).observe(time.monotonic() - started)
            self._failed(exc, "polling")
            return
        self.metrics.record_cycle(address, report)
        self.metrics.poll_duration.labels(address).observe(time.monotonic() - started)
        now = self.clock()
        try:
            self.store.set_sync(address, LAST_POLL_OK, now.isoformat())
        except Exception as exc:
            self._failed(exc, "recording the poll")
            return
        self.metrics.last_success.labels(address).set(now.timestamp())
        if self.failures:
            log.info("%s: polling works again after %d failed attempt(s)", address, self.failures, extra={"mailbox": address, "event": "poll-recovered"})
        self.failures, self.next_try = 0, 0.0
        self.health.status[address] = "polling"
        self.health.last_error.pop(address, None)
        if report.fetched or report.delivered:
            log.info("%s: fetched %d, processed %d, skipped %d, failed %d, quarantined %d, delivered %d in %.1fs", address, report.fetched,
                     report.processed, report.skipped, report.failed, report.quarantined, report.delivered, time.monotonic() - started,
                     extra={"mailbox": address, "event": "poll"})

    def _failed(self, exc: Exception, doing: str) -> None:
        address = self.address
        kind = error_kind(exc)
        self.failures += 1
        pause = min(self.config.bot.poll_interval_seconds * 2 ** (self.failures - 1), self.max_backoff)
        self.next_try = time.monotonic() + pause
        self.metrics.backend_errors.labels(address, kind).inc()
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        self.health.status[address] = "failing"
        self.health.last_error[address] = f"{kind}: {type(exc).__name__}"
        # A traceback only for what looks like our bug, and only the first time in a row.
        log.error("%s: %s failed (%s: %s: %s); retrying in %ds", address, doing, kind, type(exc).__name__, first_line, pause,
                  exc_info=(kind == "other" and self.failures == 1), extra={"mailbox": address, "event": "poll-failed"})
        self._close_mailbox()
        if self.failures >= RELEASE_AFTER_FAILURES and self.address in self.leases.held():
            try:
                self.leases.release(address)  # let a worker that can reach the mailbox take it
                self.metrics.lease_held.labels(address).set(0)
            except Exception:
                pass  # the database is the problem: the lease expires by itself

    # --- scheduled jobs ---------------------------------------------------------------
    def run_guarded(self, kind: str, work: Callable[[], Any]) -> None:
        if self.stop.is_set():
            return
        if not self.leases.valid(self.address):
            self.metrics.jobs.labels(kind, "skipped").inc()
            log.info("%s: %s skipped: another worker holds this mailbox", self.address, kind, extra={"mailbox": self.address, "event": kind})
            return
        with self.lock:
            try:
                work()
                self.metrics.jobs.labels(kind, "ok").inc()
            except Exception as exc:
                self.metrics.jobs.labels(kind, "error").inc()
                log.error("%s: %s failed: %s: %s", self.address, kind, type(exc).__name__, (str(exc).splitlines() or [""])[0][:300],
                          exc_info=error_kind(exc) == "other", extra={"mailbox": self.address, "event": kind})

    def reminders(self) -> None:
        def work() -> None:
            today = self.calendar.local(self.clock()).date()
            if not self.calendar.is_working_day(today):
                log.info("%s: no reminders today (%s is not a working day)", self.address, today)
                return
            module = importlib.import_module("bot.reminders")
            module.run_reminders(self._services())

        self.run_guarded("reminders", work)

    def retention(self) -> None:
        from bot.retention import purge_expired

        self.run_guarded("retention", lambda: purge_expired(self.store, self.config, self.clock()))

    def sla_summary(self) -> None:
        from bot.sla import queue_weekly_summary

        self.run_guarded("sla-summary", lambda: queue_weekly_summary(self.config, self.store, self.renderer, self.clock()))


# --- the process -------------------------------------------------------------------------
class _InFlight:
    """Counts running jobs so a graceful stop knows when they have all finished."""

    def __init__(self) -> None:
        self._n = 0
        self._cond = threading.Condition()

    def wrap(self, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            with self._cond:
                self._n += 1
            try:
                fn()
            finally:
                with self._cond:
                    self._n -= 1
                    self._cond.notify_all()

        return run

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._n == 0, timeout)


def migrate_with_lock(engine: Engine) -> None:
    """Apply migrations; on PostgreSQL one worker at a time (two starting together would race)."""
    if engine.dialect.name != "postgresql":
        upgrade(engine)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            upgrade(engine)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()


class Worker:
    def __init__(self, config: Config, clock: Callable[[], datetime] = utcnow) -> None:
        self.deployment = load_deployment(config)
        self.main = config
        self.clock = clock
        self.stop = threading.Event()
        self._heartbeat_stop = threading.Event()
        self.in_flight = _InFlight()
        self.metrics = Metrics()
        self.engine = make_engine(self.deployment.storage_url, config.base_dir)
        self.store = Store(self.engine, clock)
        sched = config.scheduler
        self.leases = LeaseManager(self.engine, default_holder(sched.worker_name), sched.lease_seconds)
        addresses = [c.mailbox.address for c in self.deployment.councils]
        self.health = HealthState(self.engine, addresses, config.health.max_poll_age_seconds, self.metrics, clock)
        self.metrics.watch_store(lambda: self.engine, [(c.mailbox.address, _local_now(c, clock)) for c in self.deployment.councils])
        self.workers = {c.mailbox.address: MailboxWorker(c, self.store, self.leases, self.metrics, self.health, self.stop, sched.max_backoff_seconds, clock)
                        for c in self.deployment.councils}
        self.process_lock: ProcessLock | None = None
        self.http: HealthServer | None = None
        self.web: Any = None
        self.scheduler: BackgroundScheduler | None = None
        self._signals = 0

    # --- start -------------------------------------------------------------------
    def _lock_sqlite(self) -> None:
        db = sqlite_path(self.deployment.storage_url)
        if db is not None:
            self.process_lock = ProcessLock(db)
            self.process_lock.acquire()

    def _start_health(self) -> None:
        h = self.main.health
        if not h.enabled:
            return
        try:
            self.http = HealthServer(self.health, h.listen, h.port)
        except OSError as exc:
            raise WorkerRefused(f"{self.main.source}: health.port: {exc}") from None
        self.http.start()

    def _start_web(self) -> None:
        """The dashboard beside the worker when ``web.enabled`` (same process, same database)."""
        if not self.main.web.enabled:
            return
        from bot.web.server import announce, start_in_thread

        try:
            self.web = start_in_thread(self.main, self.store)
        except OSError as exc:
            raise WorkerRefused(f"{self.main.source}: web.port: cannot listen on {self.main.web.listen}:{self.main.web.port}: {exc.strerror or exc}") from None
        if sys.stdout.isatty():
            announce(self.web.app, self.main.web.public_url or self.web.url, sys.stdout)  # a one-time token goes to the terminal, never the log
        else:
            log.info("dashboard on %s (without Entra sign-in, start `mqtriage web` in a terminal for a one-time token)", self.main.web.public_url or self.web.url)

    def _migrate(self) -> bool:
        """Bring the schema up to date, waiting (with back-off) for the database to come up."""
        pause = 1.0
        while not self.stop.is_set():
            try:
                migrate_with_lock(self.engine)
                return True
            except Exception as exc:
                if error_kind(exc) != "database":
                    raise
                log.error("database unreachable at start-up (%s); retrying in %.0fs", (str(exc).splitlines() or [""])[0][:200], pause)
                self.metrics.backend_errors.labels("-", "database").inc()
                self.stop.wait(pause)
                pause = min(pause * 2, self.main.scheduler.max_backoff_seconds)
        return False

    def _build_scheduler(self) -> BackgroundScheduler:
        specs, notes = job_specs(self.deployment)
        for note in notes:
            log.info("job %s", note)
        scheduler = BackgroundScheduler(
            timezone=timezone.utc,
            executors={"default": ThreadPoolExecutor(max_workers=max(2, len(specs)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        now = self.clock()
        for spec in specs:
            worker = self.workers[spec.mailbox]
            fn = {"poll": worker.poll, "reminders": worker.reminders, "retention": worker.retention, "sla-summary": worker.sla_summary}[spec.kind]
            first = {"next_run_time": now} if spec.kind == "poll" else {}  # polls start at once; the rest on schedule
            scheduler.add_job(self.in_flight.wrap(fn), spec.trigger, id=spec.id, name=spec.id, **first)
        return scheduler

    def _on_signal(self, signum: int, _frame: Any) -> None:
        self._signals += 1
        if self._signals > 1:
            log.warning("second %s: exiting now", signal.Signals(signum).name)
            logging.shutdown()
            os._exit(130)
        log.info("%s received: finishing the message in hand, then stopping", signal.Signals(signum).name, extra={"event": "stopping"})
        self.stop.set()

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    # --- run -----------------------------------------------------------------------
    def run(self) -> int:
        self._lock_sqlite()
        try:
            self._start_health()
            logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)  # "max instances reached" is normal during long polls
            log.info("worker %s starting: %d mailbox(es), lease %ds", self.leases.holder, len(self.workers), self.leases.seconds, extra={"event": "starting"})
            if not self._migrate():
                return self._finish(clean=True)
            self._start_web()
            heartbeat = self.leases.start_heartbeat(self._heartbeat_stop)
            self.scheduler = self._build_scheduler()
            self.scheduler.start()
            while not self.stop.wait(1.0):
                self.health.tick()
            self.scheduler.shutdown(wait=False)  # no new runs; running ones see the stop flag
            clean = self.in_flight.wait_idle(self.main.scheduler.stop_timeout_seconds)
            self._heartbeat_stop.set()
            heartbeat.join(timeout=2)
            return self._finish(clean)
        finally:
            if self.process_lock is not None:
                self.process_lock.release()

    def _finish(self, clean: bool) -> int:
        self._heartbeat_stop.set()
        if clean:
            for worker in self.workers.values():
                worker.close()
        self.leases.release_all()
        if self.web is not None:
            self.web.stop()
        if self.http is not None:
            self.http.stop()
        if not clean:
            log.error("jobs still running after %ds; exiting anyway (their leases expire by themselves)", self.main.scheduler.stop_timeout_seconds,
                      extra={"event": "stopped"})
            logging.shutdown()
            if self.process_lock is not None:
                self.process_lock.release()
            os._exit(1)  # a stuck thread would otherwise keep the interpreter alive
        log.info("stopped", extra={"event": "stopped"})
        return 0


def _local_now(config: Config, clock: Callable[[], datetime]) -> Callable[[], datetime]:
    tz = config.council.tz
    return lambda: clock().astimezone(tz)


def run_forever(config: Config) -> None:
    """Entry point of ``mqtriage run``: returns (or exits non-zero) only when stopped."""
    worker = Worker(config)
    worker.install_signal_handlers()
    code = worker.run()
    if code:
        sys.exit(code)

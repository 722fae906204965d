"""Who may work on a mailbox: a lease row per mailbox, and a process lock for SQLite.

PostgreSQL: any number of workers share the database. A mailbox is worked on only by
the holder of its lease. Taking a lease is one atomic statement (``INSERT … ON CONFLICT
DO UPDATE … WHERE expires_at < now() OR holder = me``), so two workers racing for a free
or expired lease cannot both win. Expiry uses the *database's* clock, so clock skew
between hosts does not matter. A live holder renews its leases from a heartbeat thread
every third of the lease time and keeps them between polls (sticky: a failover pair
does not ping-pong); a dead holder's leases expire and the next worker to poll takes
them over.

Locally a holder treats its lease as valid only until three quarters of the lease time
after the start of the last successful renewal. If the database is unreachable that
long, it stops taking new messages *before* another worker can take over.

SQLite: one process only. :class:`ProcessLock` holds an OS lock on a file next to the
database for the life of the process; a second process is refused with a clear message.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlalchemy import Engine, case, delete, func, literal, or_, select, update
from sqlalchemy.engine import make_url

from storage.models import Lease

log = logging.getLogger("mqtriage.leases")

SAFE_FRACTION = 0.75  # of the lease time, counted from the start of the last renewal
HEARTBEAT_FRACTION = 1 / 3


class WorkerRefused(Exception):
    """This process may not work here (another process holds the SQLite lock or the lease)."""


def default_holder(name: str = "") -> str:
    base = name or f"{socket.gethostname()}:{os.getpid()}"
    return f"{base}:{uuid.uuid4().hex[:6]}"[:200]


class LeaseManager:
    """Take, renew and release per-mailbox leases for one holder (one process)."""

    def __init__(self, engine: Engine, holder: str, seconds: int, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.holder = holder
        self.seconds = seconds
        self._monotonic = monotonic
        self._valid_until: dict[str, float] = {}
        self._lock = threading.Lock()
        self._postgres = engine.dialect.name == "postgresql"

    # --- the atomic statements ------------------------------------------------
    def _now_and_until(self) -> tuple[Any, Any]:
        # The database's clock on PostgreSQL (shared by every host); ours on SQLite (one process,
        # and SQLite has no interval arithmetic on stored timestamps).
        if self._postgres:
            return func.now(), func.now() + timedelta(seconds=self.seconds)
        now = datetime.now(timezone.utc)
        return literal(now, Lease.expires_at.type), literal(now + timedelta(seconds=self.seconds), Lease.expires_at.type)

    def _upsert(self, mailbox: str) -> bool:
        now, until = self._now_and_until()
        if self._postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(Lease).values(mailbox=mailbox, holder=self.holder, expires_at=until, acquired_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Lease.mailbox],
            set_={"holder": self.holder, "expires_at": until,
                  "acquired_at": case((Lease.holder == self.holder, Lease.acquired_at), else_=now)},
            where=or_(Lease.expires_at < now, Lease.holder == self.holder),
        ).returning(Lease.holder)
        with self.engine.begin() as conn:
            return conn.execute(stmt).scalar() == self.holder

    def acquire(self, mailbox: str) -> bool:
        """Take or keep the lease; False if another live worker holds it."""
        started = self._monotonic()
        won = self._upsert(mailbox)
        with self._lock:
            if won:
                if mailbox not in self._valid_until:
                    log.info("lease on %s taken by %s", mailbox, self.holder, extra={"mailbox": mailbox, "event": "lease-taken"})
                self._valid_until[mailbox] = started + self.seconds * SAFE_FRACTION
            elif self._valid_until.pop(mailbox, None) is not None:
                log.warning("lease on %s lost to another worker", mailbox, extra={"mailbox": mailbox, "event": "lease-lost"})
        return won

    def renew_all(self) -> None:
        """Extend every lease this holder has; forget those another worker has taken."""
        with self._lock:
            mailboxes = list(self._valid_until)
        for mailbox in mailboxes:
            started = self._monotonic()
            with self.engine.begin() as conn:
                result = conn.execute(update(Lease).where(Lease.mailbox == mailbox, Lease.holder == self.holder)
                                      .values(expires_at=self._now_and_until()[1]))
            with self._lock:
                if mailbox not in self._valid_until:
                    continue  # released meanwhile
                if result.rowcount == 1:
                    self._valid_until[mailbox] = started + self.seconds * SAFE_FRACTION
                else:
                    del self._valid_until[mailbox]
                    log.warning("lease on %s was taken over by another worker", mailbox, extra={"mailbox": mailbox, "event": "lease-lost"})

    def valid(self, mailbox: str) -> bool:
        """True while this process may safely start another message in ``mailbox``."""
        with self._lock:
            until = self._valid_until.get(mailbox)
        return until is not None and self._monotonic() < until

    def held(self) -> list[str]:
        with self._lock:
            return [m for m, until in self._valid_until.items() if self._monotonic() < until]

    def release(self, mailbox: str) -> None:
        with self._lock:
            self._valid_until.pop(mailbox, None)
        with self.engine.begin() as conn:
            conn.execute(delete(Lease).where(Lease.mailbox == mailbox, Lease.holder == self.holder))
        log.info("lease on %s released", mailbox, extra={"mailbox": mailbox, "event": "lease-released"})

    def release_all(self) -> None:
        with self._lock:
            mailboxes = list(self._valid_until)
        for mailbox in mailboxes:
            try:
                self.release(mailbox)
            except Exception as exc:  # database gone: the lease simply expires
                log.warning("could not release lease on %s (%s); it expires by itself", mailbox, type(exc).__name__)

    # --- heartbeat ---------------------------------------------------------------
    def start_heartbeat(self, stop: threading.Event) -> threading.Thread:
        def beat() -> None:
            failing = False
            while not stop.wait(self.seconds * HEARTBEAT_FRACTION):
                try:
                    self.renew_all()
                    if failing:
                        log.info("lease renewal works again")
                    failing = False
                except Exception as exc:
                    if not failing:
                        log.error("cannot renew leases (%s): %s", type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
                    failing = True

        thread = threading.Thread(target=beat, name="lease-heartbeat", daemon=True)
        thread.start()
        return thread


def lease_table(engine: Engine) -> list[tuple[str, str, datetime, datetime | None]]:
    """Every lease row (mailbox, holder, expires_at, acquired_at), for ``mqtriage jobs``."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(Lease.mailbox, Lease.holder, Lease.expires_at, Lease.acquired_at).order_by(Lease.mailbox))]  # type: ignore[misc]


# --- SQLite: one process --------------------------------------------------------------
def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


class ProcessLock:
    """An exclusive OS lock on ``DB.lock`` next to a SQLite database, held while the process lives.

    The OS drops the lock when the process dies, however it dies, so there is no stale
    lock file to clean up after a crash.
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self._fh: Any = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            _lock_file(fh)
        except OSError:
            fh.seek(0)
            other = fh.read().strip() or "unknown"
            fh.close()
            raise WorkerRefused(
                f"{self.database}: another mqtriage process ({other}) is already working on this SQLite database "
                f"(lock {self.path}). SQLite supports one worker process: stop the other one, or move to "
                "PostgreSQL (storage.url) to run several workers.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            try:
                self._fh.seek(0)
                self._fh.truncate()
            finally:
                self._fh.close()  # closing drops the lock
                self._fh = None


def _lock_file(fh: Any) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextmanager
def exclusive_mailbox(engine: Engine, url: str, mailbox: str, holder_name: str = "", lease_seconds: int = 300) -> Iterator[None]:
    """For one-off commands (``mqtriage poll``): refuse to touch a mailbox a worker is serving."""
    db = sqlite_path(url)
    if db is not None:
        lock = ProcessLock(db)
        lock.acquire()
        try:
            yield
        finally:
            lock.release()
        return
    leases = LeaseManager(engine, default_holder(holder_name), lease_seconds)
    if not leases.acquire(mailbox):
        raise WorkerRefused(f"{mailbox}: a running worker holds this mailbox's lease (see `mqtriage jobs`); not polling it from here")
    stop = threading.Event()
    beat = leases.start_heartbeat(stop)  # a long first poll must not outlive its lease
    try:
        yield
    finally:
        stop.set()
        beat.join(timeout=lease_seconds)
        leases.release_all()

"""A small HTTP endpoint for the service manager and Prometheus (loopback by default).

- ``/healthz`` liveness: the process and its scheduler loop are alive (200) or stuck (503).
  Restart on this one.
- ``/readyz`` readiness: the database answers, and for every mailbox of the deployment the
  last successful poll (by *any* worker: it is read from the database) is younger than
  ``health.max_poll_age_seconds``. JSON body says which check failed. Alert on this one;
  do not restart on it (a mailbox server being down is not cured by restarting us).
- ``/metrics`` Prometheus text format (see :mod:`bot.metrics`).

Standard library HTTP server on purpose: three read-only GETs need no framework, and
it keeps the worker's dependencies small.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, select, text

from bot.metrics import Metrics
from storage.models import SyncState

log = logging.getLogger("mqtriage.health")

LAST_POLL_OK = "last_poll_ok"  # sync_state name: ISO time of the last successful poll of a mailbox
DB_CHECK_TIMEOUT = 3.0
LIVENESS_STALE_SECONDS = 60.0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class HealthState:
    """What the endpoints report. The scheduler writes to it; HTTP threads read it."""

    def __init__(self, engine: Engine, mailboxes: list[str], max_poll_age_seconds: int, metrics: Metrics, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.mailboxes = mailboxes
        self.max_poll_age = max_poll_age_seconds
        self.metrics = metrics
        self.clock = clock
        self.last_error: dict[str, str] = {}
        self.status: dict[str, str] = {m: "starting" for m in mailboxes}  # polling | standby | failing | starting
        self._tick = time.monotonic()
        self._checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="health-check")

    def tick(self) -> None:
        """Called by the main loop every second: proof of life for /healthz."""
        self._tick = time.monotonic()

    def alive(self) -> bool:
        return time.monotonic() - self._tick < LIVENESS_STALE_SECONDS

    def _last_polls(self) -> dict[str, datetime]:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            rows = conn.execute(select(SyncState.mailbox, SyncState.value).where(SyncState.name == LAST_POLL_OK, SyncState.mailbox.in_(self.mailboxes)))
            return {mailbox: datetime.fromisoformat(value) for mailbox, value in rows}

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        body: dict[str, Any] = {"database": "ok", "mailboxes": {}}
        try:
            # A hung connection attempt must not hang the probe.
            polls = self._checks.submit(self._last_polls).result(timeout=DB_CHECK_TIMEOUT)
        except FutureTimeout:
            body["database"] = f"no answer within {DB_CHECK_TIMEOUT:.0f}s"
            polls = None
        except Exception as exc:
            body["database"] = f"unreachable ({type(exc).__name__})"
            polls = None
        ready = polls is not None
        now = self.clock()
        for mailbox in self.mailboxes:
            entry: dict[str, Any] = {"worker": self.status.get(mailbox, "")}
            if mailbox in self.last_error:
                entry["last_error"] = self.last_error[mailbox]
            if polls is not None:
                last = polls.get(mailbox)
                age = (now - last).total_seconds() if last else None
                entry["last_successful_poll"] = last.isoformat() if last else None
                entry["age_seconds"] = round(age, 1) if age is not None else None
                entry["ok"] = age is not None and age <= self.max_poll_age
                ready = ready and entry["ok"]
            body["mailboxes"][mailbox] = entry
        body["ready"] = ready
        return ready, body


class _Handler(BaseHTTPRequestHandler):
    state: HealthState  # set on the subclass made by HealthServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            ok = self.state.alive()
            self._send(200 if ok else 503, "text/plain; charset=utf-8", b"ok\n" if ok else b"scheduler loop stalled\n")
        elif path == "/readyz":
            ready, body = self.state.readiness()
            self._send(200 if ready else 503, "application/json", json.dumps(body, indent=1).encode())
        elif path == "/metrics":
            self._send(200, CONTENT_TYPE_LATEST, generate_latest(self.state.metrics.registry))
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found: try /healthz, /readyz or /metrics\n")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("health: " + format, *args)


class HealthServer:
    def __init__(self, state: HealthState, listen: str, port: int) -> None:
        handler = type("BoundHandler", (_Handler,), {"state": state})
        try:
            self.httpd = ThreadingHTTPServer((listen, port), handler)
        except OSError as exc:
            raise OSError(f"health: cannot listen on {listen}:{port}: {exc.strerror or exc}") from None
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="health-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()
        log.info("health endpoint on http://%s:%d (/healthz /readyz /metrics)", *self.address)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""Helpers for the operations tests: configs with short timings, worker processes, a private PostgreSQL.

Workers are real processes (``python -m bot.cli run`` or a small test entry point), the
database is a real PostgreSQL, the mailbox is a real Maildir on disk. Timings come from
config: lease 3 s, poll every second, back-off ceiling 2 s, readiness threshold 3 s.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from tests.conftest import PG_BIN, ROOT, free_port, write_config

LEASE = 3
POLL = 1


def ops_config(folder: Path, storage_url: str, *, health_port: int | None = None, lease: int = LEASE, json_logs: bool = True,
               max_attempts: int = 3, extra: str = "", stop_timeout: int = 15) -> Path:
    """write_config's council, with the [health], [bot] timing, [scheduler] and [logging] the ops tests need."""
    path = write_config(folder, storage_url=storage_url)
    text = path.read_text()
    text, n = re.subn(r"^[ \t]*\[health\][ \t]*\n[ \t]*enabled = false[ \t]*\n", "", text, flags=re.M)
    assert n == 1, "write_config changed: no [health] enabled = false block"
    text, n = re.subn(r"^([ \t]*)max_attempts = 3[ \t]*$", rf"\1max_attempts = {max_attempts}\n\1poll_interval_seconds = {POLL}\n\1batch_size = 100", text, flags=re.M)
    assert n == 1, "write_config changed: no max_attempts line"
    health = (f"enabled = true\nlisten = \"127.0.0.1\"\nport = {health_port}\nmax_poll_age_seconds = 3\n" if health_port else "enabled = false\n")
    text += (f"\n[health]\n{health}"
             f"\n[scheduler]\nlease_seconds = {lease}\nstop_timeout_seconds = {stop_timeout}\nmax_backoff_seconds = 2\n"
             f"\n[logging]\nformat = \"{'json' if json_logs else 'text'}\"\n") + extra
    path.write_text(text)
    return path


class WorkerProc:
    """One worker process; stderr (the log) goes to a file."""

    def __init__(self, config: Path, name: str, *, args: tuple[str, ...] = (), entry: Path | None = None) -> None:
        self.log_path = config.parent / f"{name}.log"
        self.name = name
        command = [sys.executable, str(entry)] if entry else [sys.executable, "-m", "bot.cli"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("MQ_CONFIG", None)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([*command, "-c", str(config), "run", *args], cwd=str(ROOT), stdout=self._log, stderr=subprocess.STDOUT, env=env)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def terminate(self, timeout: float = 30) -> tuple[int, float]:
        """SIGTERM; return (exit status, seconds it took to exit)."""
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        return code, time.monotonic() - started

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def json_lines(self) -> list[dict]:
        out = []
        for line in self.log().splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    pass
        return out

    def close(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()


def wait_for(what: str, condition: Callable[[], object], timeout: float, interval: float = 0.2) -> object:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


def http_get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=8) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return 0, str(exc)


class Db:
    """Read-only look at what the workers stored."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, pool_pre_ping=True)

    def count(self, stmt) -> int:  # type: ignore[no-untyped-def]
        try:
            with self.engine.connect() as c:
                return c.scalar(stmt) or 0
        except Exception:
            return -1

    def statuses(self) -> dict[str, int]:
        from storage.models import SeenMessage

        try:
            with self.engine.connect() as c:
                return dict(c.execute(select(SeenMessage.status, func.count()).group_by(SeenMessage.status)).all())  # type: ignore[arg-type]
        except Exception:
            return {}

    def done(self) -> int:
        return self.statuses().get("done", 0)

    def lease_holder(self) -> str | None:
        from storage.models import Lease

        try:
            with self.engine.connect() as c:
                return c.scalar(select(Lease.holder))
        except Exception:
            return None

    def close(self) -> None:
        self.engine.dispose()


def holder_pid(holder: str | None) -> int | None:
    # default_holder(): "host:pid:random"
    if not holder:
        return None
    return int(holder.split(":")[-2])


def maildir_files(maildir: Path) -> list[Path]:
    return [p for sub in ("new", "cur") for p in (maildir / sub).iterdir() if not p.name.startswith(".")]


def drafts(maildir: Path) -> list[Path]:
    folder = maildir / ".Drafts" / "cur"
    return sorted(folder.iterdir()) if folder.is_dir() else []


class PgInstance:
    """A private PostgreSQL server this test may stop and start (the shared one stays up)."""

    def __init__(self) -> None:
        # Not under pytest's tmp root: that is 0700 under root and the postgres user must reach it.
        self.base = base = Path(tempfile.mkdtemp(prefix="mq-ops-pg-"))
        base.chmod(0o755)
        self.data = base / "data"
        self.port = free_port()
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.prefix:
            shutil.chown(base, "postgres", "postgres")
        try:
            subprocess.run(self.prefix + [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "test", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                           check=True, capture_output=True)
            self.start()
            subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "test", "mq"], check=True, capture_output=True)
        except BaseException:
            self.destroy()
            raise
        self.url = f"postgresql+psycopg://test@127.0.0.1:{self.port}/mq"

    def start(self) -> None:
        subprocess.run(self.prefix + [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "log"), "-w", "-o",
                                      f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c fsync=off", "start"], check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(self.prefix + [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=True, capture_output=True)

    def destroy(self) -> None:
        subprocess.run(self.prefix + [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)

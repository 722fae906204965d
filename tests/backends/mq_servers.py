"""Real servers for the backend tests and the benchmark: Dovecot (IMAP) and aiosmtpd (SMTP).

Both listen on free loopback ports and are stopped by whoever started them. Dovecot
runs in the foreground (``dovecot -F``) with a config written here, following
/work/shared/TESTING-NOTES.md: as root the mail belongs to nobody:nogroup and the
server's directory must be 0755 (pytest's 0700 tmp_path makes auth fail with
"missing +x perm"); as a normal user the login and internal users are ourselves.
"""

from __future__ import annotations

import os
import pwd
import grp
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

PASSWORD = "secret-for-tests"
EXTRA_USERS = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class Dovecot:
    """One foreground Dovecot with one user; ``maildir`` is that user's Maildir."""

    def __init__(self, user: str = "memberqueries", base: Path | None = None) -> None:
        if shutil.which("dovecot") is None:
            raise RuntimeError("dovecot is not installed (apt-get install -y dovecot-imapd)")
        self.user = user
        self.base = Path(base) if base else Path(tempfile.mkdtemp(prefix="mq-dovecot-", dir="/tmp"))
        os.chmod(self.base, 0o755)
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.base / "dovecot.log"

    @property
    def maildir(self) -> Path:
        return self.maildir_of(self.user)

    def maildir_of(self, user: str) -> Path:
        return self.base / "mail" / user / "Maildir"

    def add_user(self, user: str) -> Path:
        """Another mailbox on the running server: ``user`` is one of mq1 … mq{EXTRA_USERS}."""
        uid, gid, _ = self._owner()
        for sub in ("cur", "new", "tmp"):
            (self.maildir_of(user) / sub).mkdir(parents=True, exist_ok=True)
        for path in (self.base / "mail" / user, self.maildir_of(user), *(self.maildir_of(user) / s for s in ("cur", "new", "tmp"))):
            os.chown(path, uid, gid)
        return self.maildir_of(user)

    def _owner(self) -> tuple[int, int, str]:
        if os.geteuid() == 0:
            return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid, ""
        me = pwd.getpwuid(os.getuid()).pw_name
        extra = (
            f"default_internal_user = {me}\ndefault_login_user = {me}\nfirst_valid_uid = {os.getuid()}\n"
            "service anvil {\n  chroot =\n}\n"
        )
        return os.getuid(), os.getgid(), extra

    def write_config(self) -> Path:
        uid, gid, extra = self._owner()
        for sub in ("run", "state", "mail"):
            (self.base / sub).mkdir(exist_ok=True)
            os.chmod(self.base / sub, 0o755)
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        # Users are all listed up front: passwd-file is re-read on a changed mtime, which a
        # second user added within the same second would not produce.
        users = [self.user, *(f"mq{n}" for n in range(1, EXTRA_USERS + 1))]
        (self.base / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}::::\n" for u in users))
        login_chroot = "" if os.geteuid() == 0 else "  chroot =\n"
        conf = f"""
protocols = imap
listen = 127.0.0.1
base_dir = {self.base}/run
state_dir = {self.base}/state
log_path = {self.log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.base}/mail/%u/Maildir
mail_plugins =
{extra}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.base}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
{login_chroot}}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        path = self.base / "dovecot.conf"
        path.write_text(conf)
        return path

    def chown_mail(self) -> None:
        uid, gid, _ = self._owner()
        for root, dirs, files in os.walk(self.base / "mail"):
            os.chown(root, uid, gid)
            for name in files:
                os.chown(os.path.join(root, name), uid, gid)

    def start(self) -> "Dovecot":
        conf = self.write_config()
        self.chown_mail()
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port(self.port, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def deliver(self, raw: bytes, user: str | None = None, name: str | None = None) -> Path:
        """Drop a message straight into the Maildir (as an MDA would) and make it the server's."""
        maildir = self.maildir_of(user or self.user)
        name = name or f"{time.time_ns()}.M{os.getpid()}P{threading.get_ident() % 100000}.mqtest"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw.replace(b"\r\n", b"\n"))
        final = maildir / "new" / name
        os.replace(tmp, final)
        uid, gid, _ = self._owner()
        os.chown(final, uid, gid)
        return final

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class SmtpSink:
    """aiosmtpd on a free loopback port, keeping every message it accepts."""

    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)
    reject_with: str | None = None  # e.g. "451 4.3.0 try later" to simulate a busy relay

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                if sink.reject_with:
                    return sink.reject_with
                sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.original_content or envelope.content)))
                return "250 OK"

        self._controller = Controller(Handler(), hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

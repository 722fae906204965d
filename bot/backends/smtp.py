"""SMTP submission (RFC 6409) for the IMAP backend: one connection per message sent.

The envelope names exactly one recipient, the one in ``To``: the bot never replies to
all, and a header that somehow named more people would still not reach them.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from bot.backends.base import AuthenticationFailed, BackendError, TransientBackendError

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def require_tls_off_loopback(host: str, tls: str, key: str) -> None:
    """Plain-text protocols carry passwords: allow them only to this machine (tests, a local relay)."""
    if tls == "none" and host not in LOOPBACK:
        raise BackendError(f"{key}: tls = \"none\" is only allowed for a loopback host, not {host!r}; use implicit or starttls")


@dataclass(frozen=True)
class SmtpSubmission:
    host: str
    port: int
    tls: str  # implicit | starttls | none
    username: str
    password_env: str
    ssl_context: ssl.SSLContext | None
    timeout: float = 30.0

    def send(self, msg: EmailMessage, sender: str, recipient: str) -> None:
        require_tls_off_loopback(self.host, self.tls, "mailbox.imap.smtp_tls")
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self._password())
                refused = smtp.send_message(msg, from_addr=sender, to_addrs=[recipient])
                if refused:
                    raise BackendError(f"SMTP {self.host}: recipient refused: {refused}")
        except smtplib.SMTPAuthenticationError as exc:
            raise AuthenticationFailed(f"SMTP {self.host}:{self.port}: login as {self.username!r} refused ({exc.smtp_code})") from exc
        except smtplib.SMTPResponseException as exc:
            # 4xx is the server saying "later"; 5xx is final for this message.
            if 400 <= exc.smtp_code < 500:
                raise TransientBackendError(f"SMTP {self.host}: temporary failure {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise BackendError(f"SMTP {self.host}: refused {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(400 <= c < 500 for c in codes):
                raise TransientBackendError(f"SMTP {self.host}: recipient temporarily refused: {codes}") from exc
            raise BackendError(f"SMTP {self.host}: recipient refused: {codes}") from exc
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, OSError) as exc:
            raise TransientBackendError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "implicit":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.ssl_context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            smtp.starttls(context=self.ssl_context)
        return smtp

    def _password(self) -> str:
        value = os.environ.get(self.password_env, "") if self.password_env else ""
        if not value:
            raise AuthenticationFailed(f"SMTP password: environment variable {self.password_env or '(mailbox.imap.smtp_password_env not set)'} is empty or missing")
        return value

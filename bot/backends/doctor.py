"""``mqtriage doctor``: can the bot authenticate, read, draft, mark and send with this mailbox?

Each check runs against the configured mailbox exactly as the bot would, with the
fail-fast retry policy, and every failure becomes one sentence an IT officer can act
on (which permission is missing, which environment variable, which guide to open).
Nothing here touches real mail: the draft is addressed to the mailbox itself, the
processed marker goes on that draft, and the test message is sent only to the
mailbox's own address (or not at all with ``--no-send``). The draft is left behind,
its subject says it is safe to delete.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from bot.backends.base import AuthenticationFailed, BackendError, Mailbox, Outgoing, PermissionDenied, TransientBackendError
from bot.config import Config

GRAPH_GUIDE = "deploy/ENTRA-APP-REGISTRATION.md"
EWS_GUIDE = "deploy/EWS-ON-PREMISES.md"


@dataclass(frozen=True)
class Check:
    step: str  # authenticate | read | draft | mark | send
    ok: bool
    detail: str
    advice: str = ""
    skipped: bool = False


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def run_doctor(config: Config, open_mailbox: Callable[[], Mailbox], *, send: bool = True, now: datetime | None = None) -> list[Check]:
    now = now or datetime.now(timezone.utc)
    checks: list[Check] = []
    try:
        mailbox = open_mailbox()
    except Exception as exc:  # a missing certificate or environment variable surfaces here
        return [_failed(config, "authenticate", exc)]
    try:
        checks.append(_step(config, "authenticate", lambda: _login(mailbox)))
        if not checks[-1].ok:
            return checks
        checks.append(_step(config, "read", lambda: _read(mailbox)))
        key = _key("doctor", config.mailbox.address, now.isoformat())
        item = Outgoing(key=key, from_addr=config.mailbox.address, to=config.mailbox.address,
                        subject=f"mqtriage doctor: test draft {now:%Y-%m-%d %H:%M} UTC (safe to delete)",
                        text="This draft was written by `mqtriage doctor` to check that the bot may create drafts here. Delete it.")
        refs: dict[str, str] = {}
        checks.append(_step(config, "draft", lambda: _draft(mailbox, item, refs)))
        if "draft" in refs and hasattr(mailbox, "check_mark"):
            checks.append(_step(config, "mark", lambda: _mark(mailbox, refs["draft"])))
        else:
            checks.append(Check("mark", True, "not checked (no draft to mark)" if "draft" not in refs else "not applicable to a Maildir", skipped=True))
        if send:
            sent = Outgoing(key=_key("doctor-send", config.mailbox.address, now.isoformat()), from_addr=config.mailbox.address,
                            to=config.mailbox.address, subject=f"mqtriage doctor: test message {now:%Y-%m-%d %H:%M} UTC",
                            text="Sent by `mqtriage doctor` to this mailbox only, to check that the bot may send. No action is needed.")
            checks.append(_step(config, "send", lambda: _send(mailbox, sent)))
        else:
            checks.append(Check("send", True, "skipped (--no-send)", skipped=True))
    finally:
        mailbox.close()
    return checks


def _step(config: Config, step: str, action: Callable[[], str]) -> Check:
    try:
        return Check(step, True, action())
    except Exception as exc:
        return _failed(config, step, exc)


def _login(mailbox: Any) -> str:
    if hasattr(mailbox, "check_login"):
        facts = mailbox.check_login()
        return ", ".join(f"{k} {v}" for k, v in facts.items() if k != "capabilities") or "signed in"
    return f"{getattr(mailbox, 'path', 'mailbox')} is readable"


def _read(mailbox: Mailbox) -> str:
    batch = mailbox.fetch_new(None, 1)
    return f"the folder can be read ({len(batch.items)} unprocessed message(s) on the first page{'; more waiting' if batch.more else ''})"


def _draft(mailbox: Mailbox, item: Outgoing, refs: dict[str, str]) -> str:
    ref = mailbox.create_draft(item)
    refs["draft"] = ref
    found = mailbox.find_outgoing(item.key)
    if found is None:
        raise BackendError("the draft was created but could not be found again by its idempotency key")
    return f"a test draft to {item.to} was created and found again by its key"


def _mark(mailbox: Any, ref: str) -> str:
    mailbox.check_mark(ref)
    return "the processed marker could be set (on the test draft)"


def _send(mailbox: Mailbox, item: Outgoing) -> str:
    mailbox.send(item)
    return f"a test message was sent to {item.to} (the mailbox itself)"


def _failed(config: Config, step: str, exc: BaseException) -> Check:
    return Check(step, False, f"{type(exc).__name__}: {exc}", advise(config, step, exc))


def advise(config: Config, step: str, exc: BaseException) -> str:
    """One actionable sentence for a failed check."""
    backend, mailbox, text = config.mailbox.backend, config.mailbox.address, str(exc)
    if backend == "graph":
        g = config.mailbox.graph
        client = g.client_id if g else "the app"
        if isinstance(exc, PermissionDenied):
            role = "Application Mail.Send" if step == "send" else "Application Mail.ReadWrite"
            permission = "Mail.Send" if step == "send" else "Mail.ReadWrite"
            return (f"The app lacks {permission} in the RBAC for Applications scope of {mailbox}: assign the role "
                    f"\"{role}\" to service principal {client} with a management scope that contains this mailbox "
                    f"(New-ManagementRoleAssignment, see {GRAPH_GUIDE}, step 5), then wait up to an hour for it to apply.")
        if isinstance(exc, AuthenticationFailed):
            if "environment variable" in text or "certificate_path" in text or "configure certificate_path" in text:
                return f"Fix the credential named in [mailbox.graph] ({text.split(':')[0]}); see {GRAPH_GUIDE}, step 3."
            return (f"Entra ID or Graph refused the app's credential ({_aadsts(text) or 'see the detail above'}): upload the "
                    f"certificate (or a new secret) to app registration {client} in tenant {g.tenant_id if g else '?'} and check "
                    f"tenant_id/client_id; see {GRAPH_GUIDE}, steps 2–3.")
        if "ErrorItemNotFound" in text or "ResourceNotFound" in text or "MailboxNotEnabledForRESTAPI" in text or "ErrorInvalidUser" in text:
            return f"Graph cannot find mailbox {mailbox} or its folder {g.folder if g else 'inbox'!r}: check mailbox.address and mailbox.graph.folder (the mailbox must be in Exchange Online)."
        if isinstance(exc, TransientBackendError):
            return _transient(exc, "Microsoft Graph", "graph.microsoft.com and login.microsoftonline.com")
    if backend == "ews":
        e = config.mailbox.ews
        if isinstance(exc, PermissionDenied):
            if e and e.access == "impersonation":
                return (f"The service account may not impersonate {mailbox}: give it the ApplicationImpersonation role with a "
                        f"management scope that contains this mailbox (New-ManagementRoleAssignment, see {EWS_GUIDE}).")
            return (f"The service account has no delegate access to {mailbox}: grant Full Access and Send As "
                    f"(Add-MailboxPermission / Add-ADPermission, see {EWS_GUIDE}), or set access = \"impersonation\".")
        if isinstance(exc, AuthenticationFailed):
            if e and e.auth == "oauth":
                return (f"Entra ID or Exchange refused the app's token ({_aadsts(text) or 'see the detail above'}): check the "
                        f"certificate, the full_access_as_app (Office 365 Exchange Online) permission and its admin consent; see {EWS_GUIDE}.")
            return (f"{e.service_endpoint if e else 'EWS'} refused the service account: check the username in "
                    f"${e.username_env if e else '?'} and the password in ${e.password_env if e else '?'}, that the account is not "
                    f"locked, and that {e.auth.upper() if e else 'this'} authentication is enabled on the EWS virtual directory.")
        if isinstance(exc, TransientBackendError):
            return _transient(exc, "Exchange", e.service_endpoint if e else "the EWS endpoint")
    if backend == "imap":
        i = config.mailbox.imap
        if step == "send" and "smtp_host is not set" in text:
            return "Set mailbox.imap.smtp_host (and smtp_port, smtp_tls) to your SMTP submission server, or run with --no-send while the bot only drafts."
        if isinstance(exc, AuthenticationFailed):
            if text.startswith("SMTP"):
                return f"The SMTP server refused {i.smtp_username if i else 'the login'!r}: check the password in ${i.smtp_password_env if i else '?'} and that SMTP AUTH is allowed for this account."
            return f"The IMAP server refused {i.username if i else 'the login'!r}: check the password in ${i.password_env if i else '?'} (and, on Exchange Online, that basic IMAP is not disabled — use the graph backend there)."
        if "TLS" in text or "SSL" in text or "CERTIFICATE" in text.upper():
            return "TLS failed: implicit TLS is normally port 993 (SMTP 465), STARTTLS port 143 (SMTP 587); if the server uses a private CA, set ca_file."
        if isinstance(exc, TransientBackendError):
            return _transient(exc, "the IMAP/SMTP server", f"{i.host}:{i.port}" if i else "the server")
    if backend == "maildir":
        return f"Check that {config.mailbox.path} is a Maildir folder (cur/, new/, tmp/) that this user may read and write."
    return f"Unexpected failure during {step}: {text}"


def _transient(exc: BaseException, service: str, where: str) -> str:
    after = getattr(exc, "retry_after", None)
    if after:
        return f"{service} is throttling or busy and asked us to wait {after:.0f} s: run the doctor again later (the bot backs off by itself)."
    return f"{service} could not be reached or was unavailable: check DNS, the proxy and the firewall towards {where}, then try again."


def _aadsts(text: str) -> str:
    import re

    match = re.search(r"(AADSTS\d+)[^—]*—\s*(.*)$", text)
    if match:
        return f"{match.group(1)}: {match.group(2)}"
    code = re.search(r"AADSTS\d+", text)
    return code.group(0) if code else ""

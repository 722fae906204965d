"""Choose the backend named in config. Imports are lazy: a Maildir install needs no msal."""

from __future__ import annotations

from bot.backends.base import Mailbox
from bot.backends.retry import RetryPolicy
from bot.config import Config


def retry_policy_for(config: Config) -> RetryPolicy:
    """Production back-off from ``[mailbox.retry]``; tests and the CLI pass FAIL_FAST instead."""
    r = config.mailbox.retry
    return RetryPolicy(max_attempts=r.max_attempts, base_delay=r.base_delay_seconds, max_delay=r.max_delay_seconds, ceiling=r.ceiling_seconds)


def open_mailbox(config: Config, retry: RetryPolicy | None = None) -> Mailbox:
    """``retry`` overrides ``[mailbox.retry]`` (tests and the CLI pass FAIL_FAST)."""
    kind = config.mailbox.backend
    if kind == "maildir":
        from bot.backends.maildir import MaildirMailbox

        assert config.mailbox.path is not None
        return MaildirMailbox(config.resolve(config.mailbox.path), config.mailbox.address, config.mailbox.name)
    if kind == "imap":
        from bot.backends.imap import ImapMailbox

        return ImapMailbox.from_config(config, retry)
    if kind == "graph":
        from bot.backends.graph import GraphMailbox

        return GraphMailbox.from_config(config, retry)
    if kind == "ews":
        from bot.backends.ews import EwsMailbox

        return EwsMailbox.from_config(config, retry)
    raise ValueError(f"unknown backend {kind!r}")

"""Choose the backend named in config. Imports are lazy: a Maildir install needs no msal."""

from __future__ import annotations

from bot.backends.base import Mailbox
from bot.config import Config


def open_mailbox(config: Config) -> Mailbox:
    kind = config.mailbox.backend
    if kind == "maildir":
        from bot.backends.maildir import MaildirMailbox

        assert config.mailbox.path is not None
        return MaildirMailbox(config.resolve(config.mailbox.path), config.mailbox.address, config.mailbox.name)
    if kind == "imap":
        from bot.backends.imap import ImapMailbox

        return ImapMailbox.from_config(config)
    if kind == "graph":
        from bot.backends.graph import GraphMailbox

        return GraphMailbox.from_config(config)
    if kind == "ews":
        from bot.backends.ews import EwsMailbox

        return EwsMailbox.from_config(config)
    raise ValueError(f"unknown backend {kind!r}")

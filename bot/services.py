"""The dependencies a cycle needs, built once and passed in (nothing global)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from bot.actions.render import Renderer
from bot.backends.base import Mailbox
from bot.config import Config
from bot.directory import Directory, load_directory
from classifiers.pipeline import Detectors
from rules.engine import Engine
from storage.db import make_engine, upgrade
from storage.store import Store


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Services:
    config: Config
    directory: Directory
    store: Store
    mailbox: Mailbox
    detectors: Detectors
    engine: Engine
    renderer: Renderer
    clock: Callable[[], datetime] = utcnow
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("mqtriage"))

    @property
    def mailbox_name(self) -> str:
        return self.config.mailbox.address


def open_store(config: Config, clock: Callable[[], datetime] = utcnow, migrate: bool = True) -> Store:
    engine = make_engine(config.storage.url, config.base_dir)
    if migrate:
        upgrade(engine)
    return Store(engine, clock)


def build_services(config: Config, mailbox: Mailbox, *, clock: Callable[[], datetime] = utcnow, store: Store | None = None, detectors: Detectors | None = None) -> Services:
    directory = load_directory(config)
    templates = config.resolve(config.bot.templates_dir) if config.bot.templates_dir else None
    return Services(
        config=config,
        directory=directory,
        store=store or open_store(config, clock),
        mailbox=mailbox,
        detectors=detectors or Detectors.from_config(directory, config),
        engine=Engine.from_config(config),
        renderer=Renderer(templates),
        clock=clock,
    )

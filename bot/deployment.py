"""One deployment = the main config plus the council configs it lists in ``scheduler.also_serve``.

Each listed file is a complete council config (its own ``[council]``, ``[mailbox]``,
rosters, routing, deadlines, ``[sla]``), validated exactly as ``mqtriage check-config``
validates the main one. What belongs to the *deployment* rather than to a council comes
from the main config only: the database (``storage.url``), ``[scheduler]``, ``[health]``
and ``[logging]``. A listed file may leave ``storage.url`` out (it inherits the main
one) or repeat it; a different database is refused, because leases, the SQLite lock
and readiness all assume one database per deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Config, ConfigError, load_config


@dataclass(frozen=True)
class Deployment:
    main: Config
    councils: tuple[Config, ...]  # main first; one per mailbox

    @property
    def storage_url(self) -> str:
        return absolute_storage_url(self.main)

    def by_address(self, address: str) -> Config:
        for config in self.councils:
            if config.mailbox.address == address:
                return config
        raise KeyError(address)


def absolute_storage_url(config: Config) -> str:
    """The storage URL with a relative SQLite path made absolute (relative to the config's folder)."""
    url = make_url(config.storage.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" and not Path(url.database).is_absolute():
        url = url.set(database=str((config.base_dir / url.database).resolve()))
    return url.render_as_string(hide_password=False)


def load_deployment(main: Config) -> Deployment:
    """Load and check every config in ``main.scheduler.also_serve``; raise :class:`ConfigError`."""
    main_url = absolute_storage_url(main)
    councils: list[Config] = [main]
    seen = dict.fromkeys(_addresses(main), main.source)  # every address a mailbox answers to, aliases too
    for index, rel in enumerate(main.scheduler.also_serve):
        key = f"scheduler.also_serve[{index}]"
        path = main.resolve(rel)
        if not path.is_file():
            raise ConfigError(f"{main.source}: {key}: file not found: {path}")
        if path.resolve() == main.source.resolve():
            raise ConfigError(f"{main.source}: {key}: lists the main config itself")
        extra = load_config(path)  # its own errors already name its file and key
        if extra.scheduler.also_serve:
            raise ConfigError(f"{extra.source}: scheduler.also_serve: only the main config ({main.source}) may list other configs")
        if "url" in extra.storage.model_fields_set:
            if absolute_storage_url(extra) != main_url:
                raise ConfigError(f"{extra.source}: storage.url: differs from {main.source}; every mailbox of one deployment "
                                  "shares one database (leave storage.url out to inherit it)")
        extra = extra.model_copy(update={"storage": extra.storage.model_copy(update={"url": main_url})})
        addresses = _addresses(extra)
        for address in addresses:
            if address in seen:
                key = "mailbox.address" if address == extra.mailbox.address else "mailbox.aliases"
                raise ConfigError(f"{extra.source}: {key}: {address} is already served by {seen[address]}")
        seen.update(dict.fromkeys(addresses, extra.source))
        councils.append(extra)
    return Deployment(main=main, councils=tuple(councils))


def _addresses(config: Config) -> list[str]:
    return [config.mailbox.address, *config.mailbox.aliases]

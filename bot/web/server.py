"""Serving the dashboard: Waitress (a production WSGI server in pure Python) on loopback by default.

``serve(config)`` is ``mqtriage web``. ``start_in_thread(config, store)`` runs the same
server beside something else (``mqtriage run`` when ``web.enabled``; the browser tests)
and returns a handle with ``url`` and ``stop()``.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, TextIO

from flask import Flask

from bot.config import Config, ConfigError
from bot.web.app import create_app, is_loopback, utcnow
from bot.web.auth import entra_configured
from storage.store import Store

log = logging.getLogger("mqtriage.web")

THREADS = 8


def _check_listen(config: Config, listen: str) -> None:
    if not is_loopback(listen) and not entra_configured(config):
        raise ConfigError(f"{config.source}: web.listen: {listen} is reachable from other machines; the one-time local token is "
                          "for loopback only: configure Entra sign-in (web.entra_*) and HTTPS (web.public_url), or listen on 127.0.0.1")


def announce(app: Flask, url: str, out: TextIO) -> None:
    """Tell the person starting it where to go and, without Entra, the one-time token.

    The token goes to the terminal only, never to the log: a log file is read by others.
    """
    token = app.extensions.get("mq_local_token")
    out.write(f"mqtriage dashboard on {url}\n")
    if token is not None and token.value:
        out.write(f"Sign in at {url}/signin with this one-time token (it works once):\n\n    {token.value}\n\n")
    out.flush()


@dataclass
class Running:
    url: str
    app: Flask
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.close()
        self.thread.join(timeout=5)


def start_in_thread(config: Config, store: Store, *, listen: str | None = None, port: int | None = None,
                    clock: Callable[[], datetime] = utcnow, app: Flask | None = None, **app_kwargs: Any) -> Running:
    from waitress import create_server

    listen = listen or config.web.listen
    port = config.web.port if port is None else port
    _check_listen(config, listen)
    # The app decides cookie flags from where it listens: give it the address actually used.
    config = config.model_copy(update={"web": config.web.model_copy(update={"listen": listen, "port": port})})
    app = app or create_app(config, store, clock=clock, **app_kwargs)
    server = create_server(app, host=listen, port=port, threads=THREADS, ident="mqtriage", clear_untrusted_proxy_headers=True)
    host, bound = server.socket.getsockname()[:2]
    url = f"http://{'[' + host + ']' if ':' in host else host}:{bound}"
    thread = threading.Thread(target=server.run, name="mqtriage-web", daemon=True)
    thread.start()
    log.info("dashboard listening on %s", url)
    return Running(url, app, server, thread)


def serve(config: Config, *, listen: str | None = None, port: int | None = None, out: TextIO = sys.stdout) -> None:
    """``mqtriage web``: serve until interrupted."""
    from bot.services import open_store

    running = start_in_thread(config, open_store(config), listen=listen, port=port)
    announce(running.app, config.web.public_url or running.url, out)
    try:
        running.thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()

"""Logging set-up: one line per decision, never bodies, addresses redacted by default."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime, timezone

_EMAIL = re.compile(r"([A-Za-z0-9._%+\-'])[A-Za-z0-9._%+\-']*@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})")
REDACT = {"enabled": True}


def redact(text: str) -> str:
    """``jane.smith@example.gov.uk`` → ``j…@example.gov.uk`` (domain kept: it says internal or not)."""
    if not REDACT["enabled"]:
        return text
    return _EMAIL.sub(lambda m: f"{m.group(1)}…@{m.group(2)}", text)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(str(record.msg))
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in (record.args if isinstance(record.args, tuple) else (record.args,)))
        return True


class _RedactingTextFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        return redact(super().formatException(ei))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("case", "mailbox", "event", "message_id"):
            if hasattr(record, key):
                data[key] = redact(str(getattr(record, key)))
        if record.exc_info:
            data["exception"] = redact(self.formatException(record.exc_info))  # tracebacks quote values too
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", json_lines: bool = False, redact_addresses: bool = True) -> None:
    REDACT["enabled"] = redact_addresses
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(_JsonFormatter() if json_lines else _RedactingTextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("exchangelib", "msal", "urllib3", "httpx", "httpcore", "apscheduler.executors", "alembic", "spacy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

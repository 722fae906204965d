"""The one place that owns the retry loop for remote mailbox operations (after exchangelib).

A :class:`RetryPolicy` is an object passed in, never a global: fail-fast in tests and
the CLI, bounded back-off in production. It retries only errors known to be transient
(:class:`TransientBackendError`: throttling, a busy server, a dropped connection),
honours the server's own Retry-After, and gives up at a ceiling so that a poll cycle
ends and the scheduler tries again later. Refused credentials
(:class:`AuthenticationFailed`) and every other error are never retried here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

from bot.backends.base import AuthenticationFailed, TransientBackendError

log = logging.getLogger("mqtriage.backends.retry")
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential back-off; ``max_attempts=1`` is fail-fast."""

    max_attempts: int = 4
    base_delay: float = 2.0  # seconds before the second attempt; doubles after that
    max_delay: float = 60.0  # no single wait is longer; a server asking for more makes us give up
    ceiling: float = 180.0  # total seconds one operation may spend waiting
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    def delay_for(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return max(0.0, float(retry_after))  # the server's request is a minimum, never shortened
        return min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))

    def run(self, operation: Callable[[], T], what: str) -> T:
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                return operation()
            except AuthenticationFailed:
                raise
            except TransientBackendError as exc:
                delay = self.delay_for(attempt, exc.retry_after)
                out_of_attempts = attempt >= self.max_attempts
                too_long = delay > self.max_delay or waited + delay > self.ceiling
                if out_of_attempts or too_long:
                    if self.max_attempts > 1:
                        log.warning("%s: giving up after %d attempt(s) and %.1fs of waiting: %s", what, attempt, waited, exc)
                    raise
                log.warning("%s: transient failure (attempt %d of %d), retrying in %.1fs: %s", what, attempt, self.max_attempts, delay, exc)
                self.sleep(delay)
                waited += delay


FAIL_FAST = RetryPolicy(max_attempts=1, base_delay=0.0, max_delay=0.0, ceiling=0.0)


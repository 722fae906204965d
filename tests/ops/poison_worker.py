"""Test entry point: ``mqtriage`` whose classifier always raises on a message with POISON in its subject,
and never returns on one with HANG in it.

It stands for any message our code cannot handle (a parser bug, a detector crash): the
real CLI and scheduler run unchanged around it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import bot.runner as runner  # noqa: E402

_classify = runner.classify_stage


def _poisoned(services, state):  # type: ignore[no-untyped-def]
    if "POISON" in (state.message.subject or ""):
        raise RuntimeError("this message always breaks the classifier (test fault)")
    if "HANG" in (state.message.subject or ""):
        time.sleep(3600)  # a call that never returns (a hung server, say)
    return _classify(services, state)


runner.classify_stage = _poisoned

from bot.cli import entrypoint  # noqa: E402

if __name__ == "__main__":
    entrypoint()

"""The long-running paths move what they loaded out of the cyclic collector's way."""

from __future__ import annotations

import gc

from bot.heap import freeze_long_lived


def test_freeze_moves_live_objects_to_the_permanent_generation() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    kept = [{"n": i} for i in range(1000)]  # containers the collector tracks
    try:
        freeze_long_lived()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()

"""Extra route hooks a council's own code may add in front of the routing chain.

The protocols' routes are rules (``rules/routes/``) run in the order of
``rules.chain.ROUTING_CHAIN``; nothing is needed here by default.
"""

from __future__ import annotations

from typing import Callable

from bot.state import MessageState, Route
from rules.base import RuleContext

DEFAULT_ROUTE_STEPS: tuple[Callable[[RuleContext, MessageState], Route | None], ...] = ()

"""The Democratic Services dashboard: cases, evidence, corrections, SLA charts.

Start it with ``mqtriage web``; build it in code with :func:`create_app`.
"""

from bot.web.app import create_app

__all__ = ["create_app"]

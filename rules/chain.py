"""Chains are data: ordered tables of (rule, action, target), after GNU Mailman.

Actions:
- ``suppress``: no automatic mail for this message (loops, robots, spoofing, strangers);
- ``route``: the first routing hit wins (``target`` names the route);
- ``plan``: plan mail of kind ``target`` to the member (handlers carry it out later).
Every row is evaluated and recorded, hit or miss, which is the audit trail.
"""

from __future__ import annotations

from typing import NamedTuple


class Link(NamedTuple):
    rule: str
    action: str
    target: str = ""


SAFETY_CHAIN: tuple[Link, ...] = (
    Link("own-mailbox", "suppress"),
    Link("auto-submitted", "suppress"),
    Link("bulk-precedence", "suppress"),
    Link("auto-response-suppressed", "suppress"),
    Link("list-mail", "suppress"),
    Link("delivery-report", "suppress"),
    Link("out-of-office", "suppress"),
    Link("robot-sender", "suppress"),
    Link("authentication-failed", "suppress"),
    Link("not-a-member", "suppress"),
    Link("preexisting-mail", "suppress"),
)

ACTION_CHAIN: tuple[Link, ...] = (
    Link("needs-acknowledgement", "plan", "acknowledgement"),
    Link("third-party-copied", "plan", "warning_third_party"),
    Link("personal-address-used", "plan", "warning_personal_address"),
    Link("interest-undeclared", "plan", "warning_personal_interest"),
    Link("complaint-copied", "plan", "warning_complaint_route"),
)

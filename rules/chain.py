"""Chains are data: ordered tables of (rule, action, target), after GNU Mailman.

Actions:
- ``suppress``: no automatic mail for this message (loops, robots, spoofing, strangers);
- ``route``: the first routing hit wins (``target`` names the route);
- ``plan``: plan mail of kind ``target`` to the member (handlers carry it out later);
- ``annotate``: amend whichever route wins (``target`` names who is told).
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

# Limits run after the action chain and trim what it planned (each hit recorded).
LIMIT_CHAIN: tuple[Link, ...] = (
    Link("warning-once-per-thread", "limit"),
    Link("member-daily-warning-cap", "limit"),
)

# The protocols' own routes, then the council's service cues, then the default. The
# first ``route`` hit wins; ``annotate`` hits amend the winner. ``target`` is the
# service (or person) a route goes to unless the council's config says otherwise.
# A council reorders or drops links with ``[routing] chain`` and overrides each route
# under ``[routing.protocol.<rule>]``.
ROUTING_CHAIN: tuple[Link, ...] = (
    Link("whistleblowing", "route", "monitoring_officer"),
    Link("complaint-ladder", "route", "line_management"),
    Link("personal-interest", "annotate", "monitoring_officer"),
    Link("freedom-of-information", "route", "information_governance"),
    Link("safeguarding", "route", "safeguarding"),
    Link("media-request", "route", "communications"),
    Link("unknown-sender", "route", "triage"),
    Link("service-cues", "route", "routing.services"),
    Link("default-route", "route", "routing.default_route"),
)

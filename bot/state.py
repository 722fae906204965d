"""The per-message state object that travels through the pipeline stages.

It is the only mutable thing a stage touches: classifiers add findings, rules add
outcomes, a route, a deadline and planned actions; handlers turn planned actions into
outbox items. Everything in it is what the audit trail records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.directory import Member
from bot.message import Message
from classifiers.findings import Finding


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: str
    matched: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Route:
    service: str
    mailbox: str
    reason: str
    notify: tuple[str, ...] = ()  # extra people told, e.g. the Monitoring Officer
    manager: str = ""
    triage: bool = False  # a human must look before anything automatic happens


@dataclass(frozen=True, slots=True)
class Deadline:
    received_local: datetime
    day_of_receipt: date
    due: date
    acknowledge_by: date | None = None
    profile: str = ""
    member_deadline: date | None = None
    member_deadline_text: str = ""
    member_deadline_unreasonable: bool = False


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """Something the rules want done; a handler decides nothing, it only carries it out."""

    kind: str  # acknowledgement | warning_third_party | warning_personal_address | ...
    to: str  # one address: never reply-all
    reason: str
    context: tuple[tuple[str, Any], ...] = ()

    def ctx(self) -> dict[str, Any]:
        return dict(self.context)


@dataclass
class MessageState:
    message: Message
    findings: dict[str, Finding] = field(default_factory=dict)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    member: Member | None = None
    route: Route | None = None
    deadline: Deadline | None = None
    planned: list[PlannedAction] = field(default_factory=list)
    suppress_automatic_mail: list[str] = field(default_factory=list)
    case_ref: str | None = None
    preexisting: bool = False  # mail from before the bot was enabled: record, never act
    # The classify stage's spaCy Doc (new text + subject), for rules that read words and
    # lemmas; None when no classify stage ran (rules then lemmatize the text themselves).
    doc: Any = field(default=None, repr=False, compare=False)

    def flag(self, label: str) -> bool:
        finding = self.findings.get(label)
        return bool(finding and finding.value)

    def kind(self, label: str) -> str | None:
        finding = self.findings.get(label)
        return finding.kind if finding and finding.value else None

    def record(self, rule: str, matched: bool, *reasons: str) -> bool:
        self.outcomes.append(RuleOutcome(rule, matched, tuple(reasons)))
        return matched

    def plan(self, action: PlannedAction) -> None:
        if all((a.kind, a.to) != (action.kind, action.to) for a in self.planned):
            self.planned.append(action)

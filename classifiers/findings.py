"""What a detector returns: a finding with a score and the evidence that decided it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LABELS: tuple[str, ...] = (
    "enquiry",
    "third_party_cc",
    "personal_interest",
    "complaint",
    "sender_is_member",
    "personal_address",
)
COMPLAINT_ABOUT: tuple[str, ...] = ("officer", "chief_officer", "chief_executive", "service")


# Not frozen either, for the reason given at ``Finding`` below: a frozen Evidence cost
# 1.1 µs to make against 0.3 µs, and a message makes several (the sender's, each
# recipient's, each quoted sentence). Nothing assigns to one once made.
@dataclass(slots=True)
class Evidence:
    """Where a decision came from: a header (``header:Cc``) or a span of the new text."""

    source: str
    text: str
    start: int | None = None
    end: int | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# the six or seven findings of every message cost about 10 µs more (a few per cent of
# classify, bench/RESULTS.md). Findings are values all the same: rules read them and
# record their own reasons, nothing assigns to one after the detector returns it.
@dataclass(slots=True)
class Finding:
    label: str
    value: bool
    score: float
    detector: str
    evidence: tuple[Evidence, ...] = ()
    kind: str | None = None  # declared/undeclared interest, complaint_about, recipient kinds...
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "score": round(self.score, 4),
            "detector": self.detector,
            "kind": self.kind,
            "evidence": [e.to_dict() for e in self.evidence],
            "details": self.details,
        }


# Finding.details of the text findings of mail the model never read: automatic, bulk or an
# officer's own, known from its headers (``Detectors.without_text``). A staff correction
# on such mail says the headers misled the bot, which training the text classifier on it
# would not change (``classifiers/feedback.py``).
NOT_READ = "not_read"
STAKE_QUOTED = "stake_quoted"  # Finding.details of a personal interest: a stake in the text (or signature, or sender) was quoted


def stake_unquoted(finding: Finding | None) -> bool:
    """A personal-interest finding with no stake to quote: found by the classifier alone.
    Findings stored before the detail was recorded count as quoted, as they were then."""
    return finding is not None and not finding.details.get(STAKE_QUOTED, True)

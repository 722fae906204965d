"""Classify .eml files without a mailbox or a database (``mqtriage classify``, ``explain``, ``evaluate``).

Runs the same classify and decide stages as the pipeline; never writes or sends.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from bot.config import Config
from bot.directory import Directory, load_directory
from bot.parse import parse_message
from bot.state import MessageState
from classifiers.pipeline import Detectors
from rules.base import RuleContext
from rules.engine import Engine

EVIDENCE_LABELS = ("enquiry", "third_party_cc", "personal_interest", "complaint", "sender_is_member", "personal_address")


def iter_eml(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for root, _dirs, files in os.walk(path):
                for name in sorted(files):
                    if not name.startswith(".") and not name.endswith((".toml", ".csv", ".jsonl", ".md", ".json", ".py")):
                        yield Path(root) / name
        else:
            yield path


@dataclass
class FileClassifier:
    config: Config
    directory: Directory
    detectors: Detectors
    engine: Engine

    @classmethod
    def from_config(cls, config: Config, detectors: Detectors | None = None) -> "FileClassifier":
        directory = load_directory(config)
        if detectors is None:
            detectors = Detectors.from_config(directory, config)
        else:  # the loaded model, with this config's rosters (always a new Directory) and thresholds
            detectors = detectors.with_directory(directory, config.classifiers.thresholds)
        return cls(config, directory, detectors, Engine.from_config(config))

    def state_for(self, raw: bytes, name: str, fallback_received: datetime | None = None) -> MessageState:
        message = parse_message(raw, name)
        if fallback_received and "date" not in _header_names(raw):
            message = _with_received(message, fallback_received)
        state = MessageState(message=message)
        result = self.detectors.classify(message)
        state.findings, state.member = result.findings, result.member
        state.doc = getattr(result, "doc", None)  # None for mail not read (automatic, bulk, officers' own): rules.text.doc_of makes one if a rule asks
        ctx = RuleContext(config=self.config, directory=self.directory, clock=lambda: datetime.now(timezone.utc))
        self.engine.decide(ctx, state)
        return state

    def classify_path(self, path: Path) -> tuple[MessageState, dict[str, Any]]:
        raw = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        state = self.state_for(raw, path.name, mtime)
        return state, to_record(path, state)


def _header_names(raw: bytes) -> set[str]:
    head = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return {line.split(b":", 1)[0].strip().lower().decode("latin-1") for line in head.splitlines() if b":" in line and not line[:1].isspace()}


def _with_received(message, received: datetime):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(message, received=received)


def to_record(path: Path, state: MessageState) -> dict[str, Any]:
    f = state.findings
    record: dict[str, Any] = {
        "file": path.name,
        "path": str(path),
        **{label: bool(f[label].value) for label in EVIDENCE_LABELS},
        "complaint_about": state.kind("complaint"),
        "personal_interest_kind": state.kind("personal_interest"),
        "received": state.message.received.isoformat(),
        "due": state.deadline.due.isoformat() if state.deadline else None,
        "route": state.route.service if state.route else None,
        "route_mailbox": state.route.mailbox if state.route else None,
        "route_notify": list(state.route.notify) if state.route else [],
        "triage": bool(state.route and state.route.triage),
        "scores": {label: round(f[label].score, 4) for label in EVIDENCE_LABELS},
        "evidence": {label: [e.to_dict() for e in f[label].evidence] for label in EVIDENCE_LABELS if f[label].value},
    }
    third = f.get("third_party_cc")
    if third is not None and third.value:
        record["third_parties"] = third.details.get("third_parties", [])
    if state.deadline and state.deadline.member_deadline:
        record["member_deadline"] = state.deadline.member_deadline.isoformat()
        record["member_deadline_unreasonable"] = state.deadline.member_deadline_unreasonable
    return record

"""Read a labelled corpus folder (``../shared/LABELS.md``): config, rosters, .eml, labels.jsonl."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from bot.config import Config, ConfigError, load_config
from bot.message import Message
from bot.parse import parse_message

REQUIRED = ("file", "enquiry", "third_party_cc", "personal_interest", "complaint", "complaint_about", "sender_is_member", "personal_address")


@dataclass(frozen=True)
class Example:
    path: Path
    message: Message
    labels: dict[str, Any]


@dataclass(frozen=True)
class Corpus:
    folder: Path
    config: Config
    examples: tuple[Example, ...]


def find_corpora(root: Path) -> list[Path]:
    """``root`` itself if it is a corpus, else every corpus folder below it."""
    if (root / "labels.jsonl").exists():
        return [root]
    return sorted(p.parent for p in root.rglob("labels.jsonl"))


def load_corpus(folder: Path, config_path: Path | None = None) -> Corpus:
    config = load_config(config_path or folder / "config.toml")
    labels_path = folder / "labels.jsonl"
    if not labels_path.exists():
        raise ConfigError(f"{labels_path}: file not found (a corpus folder needs labels.jsonl)")
    examples = []
    for line_no, labels in _read_labels(labels_path):
        missing = [k for k in REQUIRED if k not in labels]
        if missing:
            raise ConfigError(f"{labels_path}: line {line_no}: missing field(s) {', '.join(missing)}")
        path = folder / labels["file"]
        if not path.exists():
            raise ConfigError(f"{labels_path}: line {line_no}: {labels['file']} not found in {folder}")
        examples.append(Example(path, parse_message(path.read_bytes(), path.name), labels))
    return Corpus(folder, config, tuple(examples))


def _read_labels(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: line {n}: not valid JSON ({exc.msg})") from None

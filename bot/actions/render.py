"""Render outgoing mail from Jinja2 templates, plain text and HTML.

HTML is autoescaped; plain text is rendered without escaping but every value from a
message is stripped of control characters first, so a subject or display name can
never inject markup, headers or extra lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

BUILTIN = Path(__file__).resolve().parent.parent / "templates"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(_CONTROL.sub(" ", value).split())
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_safe(v) for v in value]
    return value


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


class Renderer:
    def __init__(self, override_dir: Path | None = None) -> None:
        loaders = [FileSystemLoader(str(override_dir))] if override_dir else []
        loaders.append(FileSystemLoader(str(BUILTIN)))
        loader = ChoiceLoader(loaders)
        self._html = Environment(loader=loader, autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
        self._text = Environment(loader=loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)

    def render(self, template: str, context: dict[str, Any]) -> Rendered:
        safe = _safe(context)
        text = self._text.get_template(f"{template}.txt.j2").render(**safe)
        html = self._html.get_template(f"{template}.html.j2").render(**safe)
        return Rendered(text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", html=html)

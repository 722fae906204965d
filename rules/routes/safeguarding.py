from __future__ import annotations

from rules.base import register
from rules.routes import CueRouteRule


@register
class Safeguarding(CueRouteRule):
    name = "safeguarding"
    description = "A safeguarding concern (abuse, neglect or exploitation of a child or adult at risk) goes to the lead safeguarding officer."
    paragraph = "Section 17.10.1 (seek advice from the Council's Lead Safeguarding Officer)"
    service = "safeguarding"
    what = "a safeguarding concern"
    cues = (
        "safeguarding", "safeguarding concern", "adult at risk", "child at risk", "at risk of harm",
        "vulnerable adult", "vulnerable child", "child protection", "financial abuse", "financially abused",
        "financially exploited", "domestic abuse", "domestic violence", "child abuse", "elder abuse", "sexual abuse",
        "physical abuse", "physically abused", "sexually abused", "child neglect", "self-neglect", "wilful neglect", "sexual exploitation",
        "criminal exploitation", "child exploitation", "cuckooing", "county lines", "modern slavery", "being groomed",
    )

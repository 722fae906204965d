from __future__ import annotations

from rules.base import register
from rules.routes import CueRouteRule


@register
class FreedomOfInformation(CueRouteRule):
    name = "freedom-of-information"
    description = "A Freedom of Information (or EIR) request goes to information governance, who advise whether the Act applies."
    paragraph = "Section 17.8.6 (the Information Governance and Data Protection Manager advises on FOI requests)"
    service = "information_governance"
    what = "a Freedom of Information request"
    cues = (
        "freedom of information", "freedom of information request", "foi", "foi request", "foia",
        "environmental information regulations", "eir request", "information request under",
        "request for information under", "subject access request",
    )

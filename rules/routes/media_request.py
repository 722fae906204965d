from __future__ import annotations

from rules.base import register
from rules.routes import CueRouteRule


@register
class MediaRequest(CueRouteRule):
    name = "media-request"
    description = "Media requests (a journalist's question, an interview, a press statement) go to communications."
    paragraph = "Rushcliffe 'In terms of media relations, officers will' (pass media requests promptly); county guidance 10 (Media and Publicity Protocol)"
    service = "communications"
    what = "a media request"
    cues = (
        "press enquiry", "media enquiry", "press query", "media query", "press release", "press statement",
        "media statement", "statement to the press", "journalist", "reporter", "newsdesk", "news desk",
        "interview request", "request for an interview", "radio interview", "tv interview", "television interview",
        "press office", "media team", "communications team", "comms team",
    )

"""Rule component ``mq_cues_v1``: lemma patterns that find the *evidence* for a label.

Patterns work on lemmas from the lookup lemmatizer (so "declaring", "declared" and
"declare" are one cue) and never on raw substrings. They mark spans in
``doc.spans[...]``; the trained text classifier decides, the spans show why.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

L = "LEMMA"

# Each entry: span key -> list of token patterns (lower-cased lemmas unless stated).
PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "interest_declared": [
        [{"LOWER": {"IN": ["declare", "declaring", "declared", "declares"]}}, {"OP": "{0,4}"}, {"LOWER": {"IN": ["interest", "interests"]}}],
        [{"LOWER": {"IN": ["personal", "prejudicial", "pecuniary", "registrable", "non-registrable", "other", "disclosable"]}}, {"LOWER": {"IN": ["interest", "interests"]}}],
        [{"LOWER": {"IN": ["declaration"]}}, {"LOWER": "of"}, {"OP": "?"}, {"LOWER": {"IN": ["interest", "interests"]}}],
        [{"LOWER": "for"}, {"LOWER": "transparency"}],
        [{"LOWER": "in"}, {"LOWER": "the"}, {"LOWER": "interests"}, {"LOWER": "of"}, {"LOWER": {"IN": ["transparency", "openness", "full"]}}],
        [{"LOWER": "i"}, {"LOWER": {"IN": ["have", "hold"]}}, {"LOWER": {"IN": ["an", "a"]}}, {"OP": "?"}, {"LOWER": "interest"}, {"LOWER": {"IN": ["in", "here", "to"]}}],
        [{"LOWER": {"IN": ["register", "registered"]}}, {"LOWER": "of"}, {"LOWER": "interests"}],
        [{"LOWER": "conflict"}, {"LOWER": "of"}, {"LOWER": "interest"}],
    ],
    "interest_revealed": [
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["own", "family", "wife", "husband", "partner", "son", "daughter", "brother", "sister", "mother", "father", "mum", "dad", "parents", "nephew", "niece", "cousin", "grandson", "granddaughter", "son-in-law", "daughter-in-law", "sister-in-law", "brother-in-law", "uncle", "aunt", "employer", "business", "company", "firm", "farm", "shop", "pub", "landlord", "tenant", "neighbour", "friend"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["house", "home", "property", "garden", "land", "field", "drive", "driveway", "cottage", "flat", "bungalow", "street", "road"]}}],
        [{"LOWER": "i"}, {"LOWER": {"IN": ["chair", "run", "own", "manage", "employ"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["club", "association", "society", "trust", "charity", "company", "business", "group", "committee", "shop", "pub", "firm", "farm"]}}],
        [{"LOWER": {"IN": ["i", "i'm", "i’m"]}}, {"LOWER": {"IN": ["am", "'m", "’m"]}, "OP": "?"}, {"LOWER": {"IN": ["chair", "chairman", "chairwoman", "secretary", "treasurer", "trustee", "director", "president", "member", "employed", "partner", "owner", "landlord"]}}, {"LOWER": {"IN": ["of", "at", "by", "in"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": "live"}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["next", "opposite", "beside", "behind", "adjacent", "near", "on"]}}],
        [{"LOWER": {"IN": ["backs", "back", "backing", "overlooks", "overlook", "borders", "adjoins", "adjoining", "adjacent"]}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["onto", "on", "my", "our", "to"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["application", "applications", "licence", "appeal", "planning"]}}],
    ],
    "complaint": [
        [{"LOWER": {"IN": ["complain", "complaint", "complaints", "complaining"]}}],
        [{"LOWER": {"IN": ["unacceptable", "appalling", "disgraceful", "disgrace", "shambles", "rude", "rudely", "dismissive", "incompetent", "incompetence", "unprofessional", "arrogant", "patronising", "patronizing", "shocking", "abysmal", "pathetic", "ridiculous", "outrageous", "inexcusable", "lamentable", "woeful", "unhelpful", "insulting", "condescending"]}}],
        [{"LOWER": {"IN": ["third", "fourth", "fifth", "sixth", "umpteenth", "several", "three", "four", "five", "many"]}}, {"LOWER": {"IN": ["time", "times", "occasions", "emails", "reminders"]}}],
        [{"LOWER": {"IN": ["still", "yet"]}}, {"LOWER": {"IN": ["no", "not", "nothing", "waiting", "heard", "had"]}}],
        [{"LOWER": {"IN": ["chased", "chasing", "chase"]}}],
        [{"LOWER": {"IN": ["escalate", "escalating", "escalated", "escalation"]}}],
        [{"LOWER": {"IN": ["no", "without"]}}, {"LOWER": {"IN": ["response", "reply", "acknowledgement", "answer"]}}],
        [{"LOWER": {"IN": ["nobody", "no-one", "noone"]}}, {"LOWER": {"IN": ["has", "have", "had"]}, "OP": "?"}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["replied", "responded", "answered", "bothered", "got", "come", "called"]}}],
        [{"LOWER": {"IN": ["apology", "apologise", "apologize"]}}],
        [{"LOWER": "not"}, {"LOWER": "good"}, {"LOWER": "enough"}],
        [{"LOWER": {"IN": ["failed", "failure", "fails", "failing"]}}, {"LOWER": "to"}],
        [{"LOWER": {"IN": ["conduct", "behaviour", "behavior", "attitude", "manner", "tone"]}}, {"LOWER": "of"}],
    ],
    "complaints_procedure": [
        [{"LOWER": {"IN": ["complaints", "complaint"]}}, {"LOWER": {"IN": ["procedure", "process", "policy", "form", "route", "team", "officer", "line"]}}],
        [{"LOWER": "how"}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["complain", "complaint"]}}],
    ],
    "request": [
        [{"LOWER": {"IN": ["please", "pls", "plz", "kindly"]}}],
        [{"LOWER": {"IN": ["could", "can", "would", "will"]}}, {"LOWER": {"IN": ["you", "someone", "somebody", "an", "the", "officers", "we", "i"]}}],
        [{"LOWER": {"IN": ["can", "could"]}}, {"LOWER": "i"}, {"LOWER": {"IN": ["ask", "have", "get", "request"]}}],
        [{"LOWER": "i"}, {"LOWER": {"IN": ["would", "'d", "’d"]}}, {"LOWER": {"IN": ["like", "appreciate", "be"]}}],
        [{"LOWER": {"IN": ["grateful", "appreciate", "advise", "confirm", "clarify", "explain", "investigate", "update", "arrange", "let"]}}],
        [{"LOWER": {"IN": ["what", "when", "why", "how", "who", "where", "which", "whether", "is", "are", "has", "have", "does", "do", "did", "was", "were"]}, "IS_SENT_START": True}],
        [{"TEXT": "?"}],
    ],
    "no_action": [
        [{"LOWER": {"IN": ["thanks", "thank", "cheers", "ta", "diolch"]}}],
        [{"LOWER": {"IN": ["noted", "sorted", "resolved", "fixed", "done", "closed"]}}],
        [{"LOWER": {"IN": ["close", "closed"]}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["case", "query", "enquiry", "ticket"]}}],
        [{"LOWER": {"IN": ["no", "nothing"]}}, {"LOWER": {"IN": ["action", "further", "need"]}}],
        [{"LOWER": {"IN": ["fyi", "for"]}}, {"LOWER": {"IN": ["information", "info"]}, "OP": "?"}],
    ],
}

SPAN_KEYS = tuple(f"mq.{k}" for k in PATTERNS)


@Language.factory("mq_cues_v1", default_config={})
def make_cues(nlp: Language, name: str) -> "CueMarker":
    return CueMarker(nlp)


class CueMarker:
    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab)
        for key, patterns in PATTERNS.items():
            self.matcher.add(f"mq.{key}", patterns)

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[Span]] = {k: [] for k in SPAN_KEYS}
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            found[key].append(doc[start:end])
        for key, spans in found.items():
            doc.spans[key] = filter_spans(spans)
        return doc

    # The component carries no trained state: patterns live in the code, by version.
    def to_disk(self, path, *, exclude=()):  # type: ignore[no-untyped-def]
        return None

    def from_disk(self, path, *, exclude=()):  # type: ignore[no-untyped-def]
        return self

"""Family named the way many British and Irish families do: "our Connor", "Our Kev's chippy".

"Our" before a first name means one of the writer's own family in much of Wales,
Northern England, Scotland and Ireland ("our Shannon put in an application", "Our
Dawn's fella runs the burger van"), and it reveals a stake as plainly as "my son". The
cue patterns (``classifiers/cues.py``) cannot see it: the pipeline reads the text
lower-cased, and "our connor" looks like "our council". So this reads the text as
written (``hits.keep_texts`` stores it) and adds each match to the ``interest_kin``
cues, where the combiner and the evidence see it like any other.

A capitalised word after "our" is a name only if it is not one of the institutions a
councillor calls "ours" ("our Council", "our Lady's", "our December meeting") and is
not the first word of a longer proper name ("our Customer Services", "our Local Plan").
In the training councils, 17 of the 20 members' messages with such a name have an
interest.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Doc

from classifiers.hits import HITS_KEY, TEXT_KEY, cue_hits

KEY = "interest_kin"
_DONE = "mq_named_kin"

# A first name after "our", with its possessive; not followed by another capitalised
# word, which would make it part of a longer proper name.
_NAMED = re.compile(r"(?<![\w'’])[Oo]ur ([A-Z][a-z]{1,14})(?:['’]s)?(?=[\s,.;:!?)(\-–—]|$)(?![ \t]+[A-Z])")
INSTITUTIONS = frozenset(
    """
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter Remembrance Diwali Eid
    Lady Lord Saviour Father Queen King Majesty Nation Country Government Constitution Code Plan
    Council Councillor Councillors Councils Ward Wards Chair Chairman Leader Mayor Member Members MP MPs MSP MS MLA
    Party Group Labour Conservative Conservatives Tory Tories Liberal Green Greens Reform Plaid Alliance Independent Independents
    Town Parish County Borough District City Village Community Church Chapel School Club Team Region Area Office
    Officer Officers Staff Chief Director Head Manager Clerk Cabinet Committee Board Forum Partnership Trust Society
    Association Festival Show Library Centre Center Highways Housing Planning Street Road Lane Park Hall Services Service
    Residents Tenants Customers Heritage Authority Department Directorate Unit Network Project Programme
    """.split()
)


def mark_named_kin(doc: Doc) -> None:
    """Add "our <first name>" matches in the text as written to the Doc's kin cues (once)."""
    text = doc.user_data.get(TEXT_KEY)
    # Never from ``doc.text``, the lower-cased text, where no name shows; and only where
    # the cue component ran (its hits are what the matches join).
    if text is None or HITS_KEY not in doc.user_data or doc.user_data.get(_DONE):
        return
    doc.user_data[_DONE] = True
    found = [(m.start(), m.end()) for m in named_family(text)]
    if not found:
        return
    hits = cue_hits(doc)
    spans = set(hits.get(KEY))
    for start, end in found:
        first = hits.token_at(doc, start)
        spans.add((first, max(first + 1, hits.token_at(doc, end))))
    hits.spans[KEY] = tuple(sorted(spans))
    hits.derived.clear()  # filtered matches worked out before this are stale


def named_family(text: str) -> Iterator[re.Match[str]]:
    """Each "our <first name>" in ``text``.

    Found from the "ur " of each "our" with ``str.find``: the pattern's look-behind keeps
    the regex engine from skipping ahead to candidates, and scanning every character of
    every message with it cost 6 µs a message, most of them without a single "our"."""
    at = text.find("ur ", 1)
    while at > 0:
        m = _NAMED.match(text, at - 1) if text[at - 1] in "Oo" else None
        if m and m.group(1) not in INSTITUTIONS:
            yield m
        at = text.find("ur ", at + 3)

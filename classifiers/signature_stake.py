"""A stake shown only by the signature: "Treasurer, Hollin Park Bowls Club" under a
message about Hollin Park's bowling green.

Councillors sign with the posts they hold outside the council, and a member who asks
about the very body they run often says nothing else about it (LABELS.md counts "a body
they belong to"). The text classifier cannot see it: the signature below a ``-- `` line
is not in the text it reads, and a title in the sign-off has no "I" or "my" for the
cues. So this looks at the sign-off and the signature block for a line naming a post
and a body, and at the message above it for that body's own name. A post under a
message about something else ("Secretary, Friends of Hendle Library" under a question
about bin days) is not a stake; nor is a council post ("Chair, Planning Committee").

Deciding only: it returns the signature line as evidence with how surely the message
names the body, or None; the interest combiner weighs it as one feature among its
thirteen (classifiers/combine.py), and the detector quotes the line when an interest is
found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.message import Message
from bot.textsplit import before_forwarded
from classifiers.findings import Evidence
from classifiers.gated import gated
from classifiers.sender import sign_off_lines

# Posts in an outside body, as people write them in a signature (searched in lower case).
_POST_WORDS = ("chair", "president", "treasurer", "secretary", "trustee", "director", "proprietor", "owner", "partner", "founder",
               "licensee", "shareholder", "churchwarden", "captain", "governor", "ymddiriedolwr", "cadeirydd", "trysorydd",
               "ysgrifennydd", "perchennog", "board member", "master", "teacher", "athro", "athrawes")
# An employer counts as much as a club (LABELS.md): "Geography teacher, Ysgol Cwm Celyn".
_POST = gated(r"\b(chair(?:man|woman|person)?|vice[- ]chair|head ?teacher|" + "|".join(w for w in _POST_WORDS if w != "chair") + r")\b", *_POST_WORDS)
# A post in the council or another public body is a seat, not a stake: "Chairman of the
# Council", "Clerk to Fenby Parish Council". A committee is the council's when its name
# has only words for what it does ("Chair, Planning Committee", see _GENERIC); "Chair,
# Saxon Fen Village Hall Management Committee" names a body of its own.
_PUBLIC_BODY = re.compile(
    r"\b(council|cyngor|scrutiny|cabinet|panel|ward|dea|division|board of governors|officer|director of|"
    r"lord-lieutenant|lieutenancy|mp|msp|ms|mla|parliament|senedd|assembly)\b",
    re.I,
)
# Words that name the kind of body, not which one: "Friends of", "Ltd", "Club"; and,
# from "planning" on, the words a council's own committees are named with.
_GENERIC = frozenset(
    """the of and for a an at in on friends ltd limited plc llp cic scio co company club association society trust
    charity group committee residents tenants residents' tenants' users users' community centre center hall church
    chapel parish school academy bank food foundation fund partnership partners estate agents agency solicitors
    surveyors chartered brokers insurance services holdings holiday park house st st. saint mount upper lower north south
    east west new old village town city county district street road lane way green hill farm house shop bar cafe café
    hotel inn garage works unit business centre fc afc rfc gac gaa juniors junior youth league team sports leisure
    property properties management managing manager head brewer brewing limited. co. ltd. hon hon. & - – | / director secretary treasurer chair
    chairman trustee partner proprietor owner founder co-founder captain president
    planning licensing regulatory audit scrutiny services service environmental environment education children's
    children communities policy resources standards appeals development corporate governance overview performance
    economy economic housing health social care adult adults transport highways finance general purposes regeneration
    place neighbourhoods neighbourhood culture tourism sport safety""".split()
)
_WORD = re.compile(r"[A-Za-zÀ-ÿŵŷŴŶ'’-]{3,}")


SURE, ONE_WORD = 1.0, 0.5  # the combiner's feature (classifiers/combine.py): how surely the message names the body


@dataclass(frozen=True)
class SignedStake:
    evidence: Evidence
    strength: float  # SURE or ONE_WORD


@dataclass(frozen=True)
class SignedPost:
    line: str  # the signature line as written
    words: tuple[str, ...]  # the body's name, lower case, small words left out
    names: frozenset[str]  # those of its words that say which body it is

    def named_in(self, words: list[str]) -> tuple[list[str], float]:
        """The body's words that the text names it by, and how surely: two of them in a row
        ("hollowstone village", "curling club") or two of its own name words anywhere are
        sure (1.0); one name word alone (0.5) is often a place: "Trustee, Auchterbrae Pipe
        Band" under a message about Auchterbrae's roads names the town, not the band."""
        pairs = set(zip(words, words[1:]))
        found = [f"{a} {b}" for a, b in zip(self.words, self.words[1:]) if (a, b) in pairs and (a in self.names or b in self.names)]
        anywhere = sorted(self.names.intersection(words))
        if found or len(anywhere) >= 2:
            return found or anywhere, SURE
        return anywhere, (ONE_WORD if anywhere else 0.0)


def own_names(message: Message) -> frozenset[str]:
    """The signer's own name words (from the From header's display name): "Rupert
    Stanhope-Vane, Managing Director" names no body."""
    name = message.sender.name if message.sender else ""
    words = {_norm(w) for w in _WORD.findall(name)}
    return frozenset(words | {part for w in words for part in w.split("-") if len(part) >= 3})


_END_CHARS = 300  # a sign-off's last lines, or a signature's first, that hold a post: measured on the corpus


def _tail(text: str, signature: str) -> list[str]:
    return [line.strip() for line in sign_off_lines(text, signature, signature_lines=8)]


def signed_posts(message: Message) -> list[SignedPost]:
    """The lines of the sign-off and signature that name a post in an outside body."""
    # Most messages name no post near their end at all: one pass over it says so, before
    # any line is split.
    if not _POST.may_match(f"{message.new_text[-_END_CHARS:]}\n{message.signature[:_END_CHARS]}".lower()):
        return []
    own = before_forwarded(message.new_text)
    lines = _tail(own, message.signature if own == message.new_text else "")
    posts: list[SignedPost] = []
    signer = frozenset[str]()
    for i, line in enumerate(lines):
        post = _POST.search_text(line) if _looks_like_a_title(line) else None
        if not post or _PUBLIC_BODY.search(line):
            continue
        signer = signer or own_names(message)
        # The body follows the post on its line ("Director, Brebner Forestry Ltd"), or,
        # when the post stands alone ("Managing Director"), is the next line. Words
        # before the post are the signer's own name ("Eirwen Catto (Secretary)").
        rest = line[post.end() :]
        found = _body(rest, signer)
        alone = not _WORD.search(rest)  # "Managing Director", not "Chair, Licensing Committee"
        if alone and i + 1 < len(lines) and _looks_like_a_title(lines[i + 1]) and not _PUBLIC_BODY.search(lines[i + 1]):
            found = _body(lines[i + 1], signer)
        if found is not None:
            posts.append(SignedPost(line, *found))
    return posts


_SMALL = frozenset("of the and to for at & y a an".split())
_SEGMENTS = re.compile(r"[,|/()\[\]]")


def _looks_like_a_title(line: str) -> bool:
    """A signature line, not a sentence: short, no closing full stop, few lower-case words
    ("Hon. Treasurer, Nettlefold Steelband Trust", not "I've copied the branch secretary.")."""
    if not line or len(line) > 100 or line[-1] in ".?:" or line[0] in "-•*~>(" or line[0].isdigit():
        return False
    lower = [w for w in _WORD.findall(line) if w[0].islower() and w not in _SMALL]
    return len(lower) <= 1


def _norm(word: str) -> str:
    return word.lower().strip("'’-")


def _words(text: str) -> list[str]:
    return [w for w in map(_norm, _WORD.findall(text)) if w not in _SMALL]


def _body(text: str, signer: frozenset[str]) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The first part of the text that names a body by words of its own: "Harbour Lights
    Café & Rooms" in "Harbour Lights Café & Rooms, 2 The Promenade, Moyle Bay" (what
    follows is its address)."""
    for segment in _SEGMENTS.split(text):
        capitalised = (_norm(w) for w in _WORD.findall(segment) if w[0].isupper())
        names = frozenset(w for w in capitalised if w not in _GENERIC and w not in signer)
        if names:
            return tuple(_words(segment)), names
    return None


def signature_stake(message: Message) -> SignedStake | None:
    """A signed post in a body that the message itself names above the sign-off; the
    surest one when there are several."""
    posts = signed_posts(message) if message.sender else []
    if not posts:
        return None  # most members' messages: nothing more to build
    best: SignedStake | None = None
    body = f"{message.subject}\n{message.new_text}"
    for post in posts:
        # Above the signature line itself: the line names the body, which proves nothing.
        found, strength = post.named_in(_words(body.split(post.line, 1)[0]))
        if found and (best is None or strength > best.strength):
            evidence = Evidence("signature", post.line, detail=f"a post in a body the message is about ({', '.join(found)})")
            best = SignedStake(evidence, strength)
    return best

"""A stake shown only by the signature: "Treasurer, Hollin Park Bowls Club" under a
message about Hollin Park's bowling green, or "Kershaw's Pharmacy, 31 Quay Street" under
a message about the toilets on Quay Street.

Councillors sign with the posts they hold outside the council, and a member who asks
about the very body they run often says nothing else about it (LABELS.md counts "a body
they belong to"). The text classifier cannot see it: the signature below a ``-- `` line
is not in the text it reads, and a title in the sign-off has no "I" or "my" for the
cues. So this looks at the sign-off and the signature block for a line naming a post
and a body, and at the message above it for that body's own name. A post under a
message about something else ("Secretary, Friends of Hendle Library" under a question
about bin days) is not a stake; nor is a council post ("Chair, Planning Committee").
A street address in the signature is where the member lives or trades, so a message
about that street is about their own home or business (LABELS.md: "own home or street
affected"); the council's own buildings ("Civic Centre, 1 Market Place") are not theirs.

Deciding only: it returns the signature line as evidence with how surely the message
names the body or the street, or None; the interest combiner weighs it as one feature among its
thirteen (classifiers/combine.py), and the detector quotes the line when an interest is
found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from bot.message import Message
from bot.textsplit import before_forwarded
from classifiers.findings import Evidence
from classifiers.gated import gated
from classifiers.kernels import KERNELS
from classifiers.sender import sign_off_lines

# Posts in an outside body, as people write them in a signature (searched in lower case).
_POST_WORDS = ("chair", "president", "treasurer", "secretary", "trustee", "director", "proprietor", "owner", "partner", "founder",
               "licensee", "shareholder", "churchwarden", "captain", "governor", "ymddiriedolwr", "cadeirydd", "trysorydd",
               "ysgrifennydd", "perchennog", "board member", "master", "teacher", "athro", "athrawes", "lead", "manager", "coordinator",
               "co-ordinator", "volunteer", "organiser", "associate", "supervisor", "instructor")
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
# A house or shop number and the capitalised street after it: "7 Maes Derwen", "31 Quay
# Street" (not "01632 960 873", not "£40 Fine", not "Unit 4, Drumaghlis").
_ADDRESS = re.compile(r"(?<![\w£$€.,:/-])\d{1,4}[A-Za-z]?\s+((?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*)")
# The gate before any line is split: a number and two capitalised words anywhere in the
# sign-off, with between the number and the street only the blanks a line can hold
# (spaces, tabs, and the no-break spaces word processors put after a house number:
# "7\u00a0Maes Derwen"). The compiled kernel answers the same in a fraction of the time
# (a search that must try every character costs more than the rest of this module).
_NUMBERED_NAME = re.compile(r"\d[A-Za-z]?[ \t\u00a0\u202f]+[A-Z][\w'’-]*\s+[A-Z]")


def has_numbered_name(text: str) -> bool:
    if KERNELS:
        return KERNELS.has_numbered_name(text)  # type: ignore[no-any-return]
    return _NUMBERED_NAME.search(text) is not None


# Where a councillor is written to, not where they live or trade.
_NOT_OWN_ADDRESS = re.compile(r"\b(council|cyngor|civic|town hall|county hall|guildhall|offices|municipal|po box|parliament|senedd|stormont|holyrood)\b", re.I)


SURE, ONE_WORD = 1.0, 0.5  # the combiner's feature (classifiers/combine.py): how surely the message names the body or street


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


class SignOff(NamedTuple):
    # A tuple, not a frozen dataclass: one is made for every member's message, and a
    # frozen dataclass's __init__ cost a microsecond of it.
    lines: list[str]  # the sign-off's and the signature block's lines, above any forwarded message
    may_name_a_post: bool
    may_give_an_address: bool


_NOTHING = SignOff([], False, False)  # most messages: never changed, so shared


def sign_off(message: Message) -> SignOff:
    """Where the member signs, with what it may hold; no lines when the end of the message
    names no post and gives no address (most messages): one pass over it says so,
    before any line is split."""
    end = f"{message.new_text[-_END_CHARS:]}\n{message.signature[:_END_CHARS]}"
    post, address = _POST.may_match(end.lower()), has_numbered_name(end)
    if not (post or address):
        return _NOTHING
    own = before_forwarded(message.new_text)
    return SignOff(_tail(own, message.signature if own == message.new_text else ""), post, address)


def signed_posts(message: Message, lines: list[str]) -> list[SignedPost]:
    """The lines of the sign-off and signature (``sign_off``) that name a post in an outside body."""
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


@dataclass(frozen=True)
class SignedPlace:
    line: str  # the signature line as written
    street: tuple[str, ...]  # the street's words, lower case: ("quay", "street")

    def named_in(self, words: list[str]) -> list[str]:
        """The street as the text names it: two of its words in a row ("quay street",
        "maes derwen"); one word alone is too often a town's or another street's."""
        pairs = set(zip(words, words[1:]))
        return [f"{a} {b}" for a, b in zip(self.street, self.street[1:]) if (a, b) in pairs]


def signed_places(lines: list[str]) -> list[SignedPlace]:
    """The street addresses on signature lines ("7 Maes Derwen, Pontygarreg"), not in a
    sentence ("Copying Mr Hussain, who runs the shop at 52 Market Street.") and not the
    council's own buildings."""
    places: list[SignedPlace] = []
    for line in lines:
        if len(line) > 100:
            continue
        streets = [street for street in (tuple(_words(m.group(1))) for m in _ADDRESS.finditer(line)) if len(street) >= 2]
        if streets and _not_a_sentence(line) and not _NOT_OWN_ADDRESS.search(line):
            places.extend(SignedPlace(line, street) for street in streets)
    return places


_SMALL = frozenset("of the and to for at & y a an".split())
_SEGMENTS = re.compile(r"([,|/()\[\]])")  # kept in the split, so that a part in brackets is known


def _looks_like_a_title(line: str) -> bool:
    """A signature line, not a sentence: short, no closing full stop, few lower-case words
    ("Hon. Treasurer, Nettlefold Steelband Trust", not "I've copied the branch secretary.")."""
    if not line or len(line) > 100 or line[0] in "-•*~>(" or line[0].isdigit():
        return False
    return _not_a_sentence(line)


def _not_a_sentence(line: str) -> bool:
    """No closing full stop and at most one lower-case word: "7 Maes Derwen, Pontygarreg"."""
    if line[-1] in ".?:":
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
    follows is its address). A part in brackets comes last: after a post it is more often
    the post's own qualifier ("Shift Lead (Nights), Brackendyke Fresh Produce Ltd") than
    the body, which it is only when nothing outside brackets names one ("Chair (Hollin
    Park Bowls Club)")."""
    in_brackets = 0
    bracketed: tuple[tuple[str, ...], frozenset[str]] | None = None
    for segment in _SEGMENTS.split(text):
        if segment in ("(", "[", ")", "]"):
            in_brackets = max(0, in_brackets + (1 if segment in ("(", "[") else -1))
            continue
        capitalised = (_norm(w) for w in _WORD.findall(segment) if w[0].isupper())
        names = frozenset(w for w in capitalised if w not in _GENERIC and w not in signer)
        if not names:
            continue
        if not in_brackets:
            return tuple(_words(segment)), names
        bracketed = bracketed or (tuple(_words(segment)), names)
    return bracketed


def signature_stake(message: Message) -> SignedStake | None:
    """A signed post in a body, or a signed address on a street, that the message itself
    names above the sign-off; the surest one when there are several."""
    end = sign_off(message) if message.sender else _NOTHING
    if not end.lines:
        return None  # most members' messages: nothing more to build
    posts = signed_posts(message, end.lines) if end.may_name_a_post else []
    places = signed_places(end.lines) if end.may_give_an_address else []
    best: SignedStake | None = None
    body = f"{message.subject}\n{message.new_text}"
    for post in posts:
        # Above the signature line itself: the line names the body, which proves nothing.
        found, strength = post.named_in(_words(body.split(post.line, 1)[0]))
        if found and (best is None or strength > best.strength):
            evidence = Evidence("signature", post.line, detail=f"a post in a body the message is about ({', '.join(found)})")
            best = SignedStake(evidence, strength)
    lowered = body.lower() if places else ""
    for place in places:
        if best is not None and best.strength >= SURE:
            break
        if not all(word in lowered for word in place.street):
            continue  # most signed addresses: the street is not named at all (no need to split the words)
        found = place.named_in(_words(body.split(place.line, 1)[0]))
        if found:
            best = SignedStake(Evidence("signature", place.line, detail=f"the member's own address, on the street the message is about ({', '.join(found)})"), SURE)
    return best

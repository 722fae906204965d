"""Rule component ``mq_cues_v1``: token patterns that find the *evidence* for a label.

Patterns are spaCy Matcher patterns over lower-cased tokens (word forms are listed
where they matter: "declare", "declaring", "declared"), never raw substrings. Matches
go to ``doc._.mq_cues`` as token offsets (see ``classifiers/hits.py``); the trained
text classifier decides, the cues show why and feed the combiner.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from classifiers.fastmatch import compile_cues, hit_finder
from classifiers.kernels import KERNELS
from classifiers.hits import HITS_KEY, CueHits

KIN = ["wife", "husband", "partner", "son", "daughter", "sons", "daughters", "brother", "sister", "mother", "father", "mum", "dad",
       "mam", "parents", "nephew", "niece", "cousin", "grandson", "granddaughter", "grandchildren", "grandchild", "son-in-law",
       "daughter-in-law", "sister-in-law", "brother-in-law", "father-in-law", "mother-in-law", "uncle", "aunt", "auntie",
       "family", "children", "kids", "child", "spouse", "fiancé", "fiancee", "fiance", "stepson", "stepdaughter", "in-laws", "granddad", "grandmother", "grandfather", "gran",
       "lad", "lass", "boy", "girl", "boys", "girls", "missus", "hubby", "brothers", "sisters", "grandkids", "godson", "goddaughter", "twins",
       # The words families use for each other, not only the formal ones: "my nan", "my
       # mammy", "my stepfather", "our Dawn's fella" (seen missed in leave-one-council-out).
       "nan", "nana", "nanna", "granny", "grandma", "grandad", "grandpa", "mammy", "mummy", "daddy", "da", "stepfather", "stepmother",
       "stepdad", "stepmum", "stepmom", "fella", "boyfriend", "girlfriend", "eldest", "youngest", "granddaughters", "grandsons"]
OWNED = ["house", "home", "property", "garden", "land", "field", "fields", "drive", "driveway", "cottage", "flat", "bungalow",
         "business", "company", "firm", "farm", "shop", "pub", "practice", "yard", "premises", "restaurant", "cafe", "café",
         "hotel", "store", "salon", "garage", "stall", "allotment", "holiday", "let", "lettings", "agency", "workshop", "b&b",
         "flats", "close", "door", "doorstep", "street", "road", "lane", "cars", "car", "lorries", "tenants", "plot", "barn", "paddock",
         "kitchen", "landing", "windows", "window", "roof", "wall", "walls", "fence", "hedge", "garage", "boat", "mooring", "van",
         "catch", "chippy", "cattle", "sheep", "herd", "livestock", "gate", "drains", "cellar", "cellars", "yard", "orchard",
         "caravan", "chalet", "tearoom", "bakery", "kennels", "stables", "nursery", "lorry", "trailer", "tractor", "quarry", "step", "steps"]
ROLES = ["chair", "chairman", "chairwoman", "chairperson", "secretary", "treasurer", "trustee", "director", "president",
         "member", "governor", "volunteer", "partner", "shareholder", "owner", "landlord", "employee", "patron", "founder",
         "steward", "elder", "warden", "churchwarden", "vice-chair", "vice", "coach", "captain", "manager", "organiser", "organizer"]
STRONG_ROLES = ["chair", "chairman", "chairwoman", "chairperson", "vice-chair", "treasurer", "secretary", "trustee", "governor",
                "director", "president", "shareholder", "owner", "landlord", "founder", "churchwarden", "proprietor", "licensee", "partner"]
STAKES = ["licence", "license", "lease", "tenancy", "plot", "plots", "pitch", "stall", "mooring", "berth", "allotment", "grazing",
          "grazings", "croft", "crofts", "boatyard", "pharmacy", "chemist", "distillery", "bay", "units", "vessel", "tender", "bid", "quote"]
BODIES = ["club", "association", "society", "trust", "charity", "company", "business", "group", "committee", "board",
          "shop", "pub", "firm", "farm", "band", "church", "school", "federation", "council", "team", "partnership", "cic",
          "co-op", "cooperative", "league", "lodge", "union", "foundation", "parade", "festival", "show", "fair", "market", "hospice"]

# Each entry: span key -> list of token patterns (lower-cased lemmas unless stated).
PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "interest_declared": [
        [{"LOWER": {"IN": ["declare", "declaring", "declared", "declares", "declaration", "disclose", "disclosing", "flag", "flagging", "note", "register", "registered", "mention"]}}, {"OP": "{0,5}"}, {"LOWER": {"IN": ["interest", "interests", "dpi", "connection", "involvement", "conflict"]}}],
        [{"LOWER": {"IN": ["declare", "declaring", "disclose", "disclosing"]}}, {"LOWER": {"IN": ["that", "here", "now", "upfront", "straight"]}}],
        [{"LOWER": {"IN": ["dpi", "dpis"]}}],
        [{"LOWER": {"IN": ["personal", "prejudicial", "pecuniary", "registrable", "non-registrable", "other", "disclosable"]}}, {"LOWER": {"IN": ["interest", "interests"]}}],
        [{"LOWER": {"IN": ["declaration"]}}, {"LOWER": "of"}, {"OP": "?"}, {"LOWER": {"IN": ["interest", "interests"]}}],
        [{"LOWER": "for"}, {"LOWER": "transparency"}],
        [{"LOWER": "in"}, {"LOWER": "the"}, {"LOWER": "interests"}, {"LOWER": "of"}, {"LOWER": {"IN": ["transparency", "openness", "full"]}}],
        [{"LOWER": "i"}, {"LOWER": {"IN": ["have", "hold", "'ve", "’ve", "do", "did", "had"]}}, {"LOWER": {"IN": ["got", "have"]}, "OP": "?"}, {"LOWER": {"IN": ["an", "a"]}}, {"OP": "?"}, {"LOWER": "interest"}, {"LOWER": {"IN": ["in", "here", "to", "there", "as", "because", ",", "-", "—", "."]}}],
        [{"LOWER": "conflict"}, {"LOWER": "of"}, {"LOWER": "interest"}],
        # "I'll declare it at committee", "declaring: I own shares" ("nothing to declare
        # on this" is caught by interest_negated and does not count).
        [{"LOWER": {"IN": ["declare", "declaring"]}}, {"LOWER": {"IN": ["it", "this", "at", "when", "my", "an", "a", "myself", "in", "on", ":", ",", "-", "—"]}}],
        # "please treat my interest as declared", "given my interest".
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["interest", "interests"]}}],
        # Withdrawing from the decision says there is a stake as plainly as declaring it:
        # "I'll step back from any decision", "I will leave the room", "I won't vote on it".
        [{"LOWER": {"IN": ["step", "stepping", "stepped", "stand", "standing"]}}, {"LOWER": {"IN": ["back", "aside"]}}],
        [{"LOWER": {"IN": ["leave", "leaving", "left"]}}, {"LOWER": "the"}, {"LOWER": {"IN": ["room", "chamber"]}}],
        [{"LOWER": {"IN": ["abstain", "abstaining", "recuse", "recusing"]}}],
        [{"LOWER": {"IN": ["take", "taking"]}}, {"LOWER": {"IN": ["no", "any"]}}, {"LOWER": "part"}],
        [{"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "be", "OP": "?"}, {"LOWER": {"IN": ["vote", "voting"]}}],
        [{"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "be", "OP": "?"}, {"LOWER": {"IN": ["speak", "speaking"]}}, {"LOWER": {"IN": ["or", "and", "on", "for", "to", "at"]}}],
    ],
    "interest_register": [
        # "the employment entry on my register of interests is out of date", "how do I
        # update the register of interests": the name of a document. Members ask about it
        # far more often than they declare through it, so a declaration cue inside it does
        # not count (classifiers/combine.py).
        [{"LOWER": {"IN": ["register", "registers", "registered", "registration"]}}, {"LOWER": "of"}, {"LOWER": {"IN": ["members", "members'", "member's", "my"]}, "OP": "?"}, {"LOWER": {"IN": ["'", "’"]}, "OP": "?"},
         {"LOWER": {"IN": ["interest", "interests"]}}],
        [{"LOWER": {"IN": ["registered", "registrable", "register"]}}, {"LOWER": {"IN": ["interest", "interests"]}}, {"LOWER": {"IN": ["form", "forms", "entry", "entries", "return", "returns", "page", "pages"]}}],
    ],
    "interest_kin": [
        # "me sister", "me mam": the dialect possessive. Not before "children", "kids",
        # "family" or "child", where "me" is as often the object ("tell me children's services").
        [{"LOWER": "me"}, {"LOWER": {"IN": [k for k in KIN if k not in ("children", "child", "kids", "family")]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["step", "half", "grand", "god", "in"]}}, {"LOWER": "-"}, {"LOWER": {"IN": KIN + ["laws", "law"]}}],
        # "My great-grandson", but not "my great-grandmother gutted herring there a century
        # ago": an ancestor that far back is family history, seldom a living stake.
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "great"}, {"LOWER": "-"}, {"LOWER": {"IN": ["grandson", "granddaughter", "grandchild", "grandchildren", "grandkids", "grandsons", "granddaughters", "nephew", "niece"]}}],
        # "Mam has had plot 14", "Mum's house": family words opening a sentence are the
        # writer's own family; mid-sentence they are as often "her mother's".
        [{"LOWER": {"IN": ["mum", "mam", "dad", "nan", "nana", "gran", "grandad", "granny", "mother", "father"]}, "IS_SENT_START": True}, {"LOWER": {"IN": ["'s", "’s"]}}],
        [{"LOWER": {"IN": ["mum", "mam", "dad", "nan", "nana", "gran", "grandad", "granny", "da", "mammy", "daddy"]}, "IS_SENT_START": True},
         {"LOWER": {"IN": ["has", "had", "owns", "runs", "rents", "lives", "works", "farms", "is", "was"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "other"}, {"LOWER": {"IN": ["half", "halves"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["own", "elderly", "late", "eldest", "youngest"]}, "OP": "?"},
         {"LOWER": {"IN": KIN}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": KIN}}, {"LOWER": {"IN": ["'s", "’s"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": KIN}}, {"LOWER": {"IN": ["works", "worked", "runs", "owns", "is", "has", "lives", "farms", "chairs", "sits", "applied", "rents", "was"]}}],
        # A spouse named as people say it: "the wife has the café", "Herself has the coffee
        # unit at No. 4" (Irish English).
        [{"LOWER": "the"}, {"LOWER": {"IN": ["wife", "missus", "mrs", "husband", "hubby"]}}, {"LOWER": {"IN": ["has", "runs", "owns", "works", "lives", "rents", "farms", "applied"]}}],
        [{"LOWER": {"IN": ["herself", "himself"]}, "IS_SENT_START": True}, {"LOWER": {"IN": ["has", "runs", "owns", "works", "lives", "rents", "farms", "applied"]}}],
    ],
    "interest_own": [
        # "me van", "me house": the dialect possessive (as "me sister" in interest_kin).
        [{"LOWER": "me"}, {"LOWER": {"IN": ["van", "house", "garden", "shop", "boat", "car", "farm", "flat", "bungalow", "allotment", "business", "lock-up", "garage", "plot"]}}],
        # Holdings named as things one has: "I've got an annual season ticket", "I hold
        # member shares in Glenbus", "I've got two plates myself".
        [{"LOWER": "i"}, {"LOWER": {"IN": ["'ve", "’ve", "have", "hold", "own"]}, "OP": "?"}, {"LOWER": {"IN": ["got", "hold", "own", "held", "have"]}}, {"OP": "{0,3}"},
         {"LOWER": {"IN": ["shares", "share", "plates", "plate", "ticket", "permit", "licence", "license", "lease", "stall", "pitch", "plot", "lock-up", "mooring", "berth", "allotment", "tenancy", "franchise"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": STAKES}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["put", "submitted", "sent", "entered", "priced", "quoted", "tendered", "bid", "applied"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["price", "bid", "tender", "quote", "quotation", "application", "offer"]}}],
        [{"LOWER": {"IN": ["live", "lives", "living", "reside", "residing"]}}, {"OP": "{0,5}"}, {"LOWER": "myself"}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["'m", "’m", "am", "are", "'re", "’re"]}, "OP": "?"}, {"LOWER": {"IN": ["directly", "personally", "also", "both"]}}, {"LOWER": {"IN": ["affected", "involved", "impacted", "concerned"]}}],
        [{"LOWER": {"IN": ["affects", "affect", "affecting", "affected", "impacts", "impact", "impacting"]}}, {"LOWER": {"IN": ["me", "us"]}}],
        [{"LOWER": "as"}, {"LOWER": {"IN": ["a", "an", "someone", "one"]}}, {"LOWER": {"IN": ["who", "of"]}, "OP": "?"}, {"LOWER": {"IN": ["resident", "residents", "neighbour", "neighbours", "tenant", "tenants", "leaseholder", "parent", "parents", "lives", "user", "customer"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["own", "family", "small", "back", "front", "rear", "side", "little", "old", "holiday", "top", "bottom"]}, "OP": "{0,2}"}, {"LOWER": {"IN": OWNED}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["own", "run", "farm", "rent", "lease", "let", "manage"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": OWNED + ["property", "properties", "units", "unit", "land"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": "live"}, {"LOWER": {"IN": ["on", "in", "at", "next", "opposite", "beside", "behind", "above", "directly", "right", "just"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["road", "street", "lane", "close", "avenue", "terrace", "row", "drive", "crescent", "way", "estate", "door", "site", "premises", "it", "there", "park", "field"]}}],
        [{"LOWER": {"IN": ["backs", "back", "backing", "overlooks", "overlook", "borders", "adjoins", "adjoining", "adjacent", "runs", "abuts", "serves"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["my", "our"]}}],
        [{"LOWER": {"IN": ["next", "opposite", "behind", "beside", "above", "below", "near"]}}, {"LOWER": {"IN": ["to", "from"]}, "OP": "?"}, {"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": OWNED}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["work", "worked"]}}, {"LOWER": {"IN": ["for", "at"]}}],
        # "The Long Meadow next door is mine", "mine was one of the boats moved".
        [{"LOWER": {"IN": ["is", "was", "are", "were", "'s", "’s"]}}, {"LOWER": "mine"}],
        [{"LOWER": "mine"}, {"LOWER": {"IN": ["was", "is", "too", "included", "among"]}}],
        # One of those affected, said of oneself: "we're a two-car household on Shuttle Row",
        # "as someone who's been letting rooms on St Audrey's Road", "14 of us working there".
        [{"LOWER": {"IN": ["we", "i"]}}, {"LOWER": {"IN": ["'re", "’re", "are", "'m", "’m", "am"]}}, {"LOWER": {"IN": ["a", "an", "one"]}}, {"OP": "{0,3}"},
         {"LOWER": {"IN": ["household", "households", "leaseholder", "leaseholders", "homeowner", "homeowners", "tenant", "tenants"]}}],
        [{"LOWER": {"IN": ["someone", "somebody"]}}, {"LOWER": "who"}, {"LOWER": {"IN": ["'s", "’s", "has", "is"]}, "OP": "?"}, {"LOWER": "been", "OP": "?"},
         {"LOWER": {"IN": ["letting", "renting", "running", "farming", "living", "lives", "owns", "runs", "farms", "lets", "rents", "works", "working"]}}],
        [{"LOWER": "of"}, {"LOWER": "us"}, {"LOWER": {"IN": ["working", "employed"]}}],
        [{"LOWER": "of"}, {"LOWER": "us"}, {"LOWER": "who"}, {"LOWER": {"IN": ["work", "worked", "trade", "live"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["employer", "employers", "landlord", "tenants", "tenant", "customers", "clients", "staff", "lorries", "vans"]}}],
    ],
    "interest_weak": [
        # Weak on their own ("my own view", "for the record"): the combiner weighs them apart.
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "own"}],
        [{"LOWER": {"IN": ["on", "in"]}}, {"LOWER": "my"}, {"LOWER": "own"}, {"LOWER": "behalf"}],
        [{"LOWER": {"IN": ["for", "about"]}}, {"LOWER": "myself"}, {"LOWER": {"IN": ["rather", "not", "personally", "as"]}}],
        [{"LOWER": "first"}, {"LOWER": "-", "OP": "?"}, {"LOWER": "hand"}],
        [{"LOWER": "for"}, {"LOWER": "the"}, {"LOWER": "record"}],
        [{"LOWER": {"IN": ["full", "complete", "total"]}}, {"LOWER": {"IN": ["transparency", "disclosure", "openness"]}}],
        [{"LOWER": "to"}, {"LOWER": "be"}, {"LOWER": {"IN": ["transparent", "upfront", "up-front", "open"]}}],
        [{"LOWER": "i"}, {"LOWER": {"IN": ["should", "must", "ought", "need", "'d", "’d", "would"]}}, {"LOWER": {"IN": ["to", "better", "just", "also", "like"]}, "OP": "{0,2}"}, {"LOWER": {"IN": ["mention", "say", "point", "flag", "add", "note", "admit", "explain"]}}],
        [{"LOWER": {"IN": ["up", "upfront"]}}, {"LOWER": {"IN": ["front"]}, "OP": "?"}, {"LOWER": {"IN": ["that", ","]}}],
        [{"LOWER": {"IN": ["myself", "personally"]}}],
    ],
    "interest_negated": [
        # "I have no interest to declare": a statement that there is nothing to declare.
        [{"LOWER": {"IN": ["no", "nothing", "nil", "not", "n't", "never", "none"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["interest", "interests", "declare", "declarable", "stake", "connection", "conflict", "link", "relation", "related", "relative", "family", "business", "personal"]}}],
    ],
    "interest_aside": [
        # A family word in an aside, not a stake: the wedding or birthday that delayed a
        # reply, what a husband says about potholes, a visit, a relative elsewhere who
        # "had exactly the same thing", a relative who has died. A family cue overlapping
        # one of these is not counted (combine.revealed_cues), as a denied one is not.
        [{"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": ["own", "eldest", "youngest"]}, "OP": "?"}, {"LOWER": {"IN": KIN}}, {"LOWER": {"IN": ["'s", "’s"]}, "OP": "?"}, {"OP": "{0,2}"},
         {"LOWER": {"IN": ["wedding", "birthday", "graduation", "funeral", "christening", "anniversary", "party", "retirement", "wake", "hen", "stag", "bedside", "celebration", "engagement"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": KIN}}, {"LOWER": {"IN": ["says", "said", "thinks", "reckons", "jokes", "joked", "tells", "teases", "insists", "swears", "laughs"]}}],
        [{"LOWER": {"IN": ["visiting", "visit", "see", "seeing", "staying"]}}, {"LOWER": "with", "OP": "?"}, {"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": KIN}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": KIN}}, {"LOWER": {"IN": ["up", "down", "over", "out", "back"]}, "OP": "?"}, {"LOWER": "in"}, {"OP": "{1,6}"}, {"LOWER": {"IN": ["same", "similar", "exactly"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "late"}, {"LOWER": {"IN": KIN}}],
        # A return, not where a place lies: "I'm back at my mum's for the weekend", "on
        # the way back from our Elin's graduation", "only got back to my inbox today". The
        # stake "backs onto my garden", "the back of our yard" keeps its cue: there "back"
        # is followed by "of", "onto" or the thing itself.
        [{"LOWER": "back"}, {"LOWER": {"IN": ["to", "from", "at", "on"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["my", "our"]}}],
        # A relative as the source of what the writer knows, not a party to the matter: "I
        # only know what knotweed looks like because my brother-in-law had it", "I know a
        # bit about this because my mammy was in a wheelchair".
        [{"LOWER": {"IN": ["know", "knew", "learned", "learnt", "understand"]}}, {"OP": "{0,6}"}, {"LOWER": {"IN": ["because", "since", "through", "from"]}},
         {"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": ["own", "elderly", "eldest", "youngest"]}, "OP": "?"}, {"LOWER": {"IN": KIN}}],
        # Family habits of years ago: "my mum used to drag me there when I was 10", "I used
        # to bring my kids down every day when they were wee".
        [{"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": KIN}}, {"LOWER": "used"}, {"LOWER": "to"}],
        [{"LOWER": "used"}, {"LOWER": "to"}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": KIN}}],
        # A relative who has died ("my mammy ... for the last six years of her life, God rest
        # her"), or whose illness is why the reply is late ("my father has been in Ysbyty Cwm
        # Dyfnant since March", "my sister in Oban had her hip done and I went up to look
        # after her").
        [{"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": KIN}}, {"OP": "{0,15}"}, {"LOWER": "god"}, {"LOWER": {"IN": ["rest", "bless"]}}],
        [{"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": KIN}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["died", "passed"]}}],
        [{"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": KIN}}, {"OP": "{0,4}"},
         {"LOWER": {"IN": ["hospital", "ysbyty", "infirmary", "hip", "knee", "operation", "surgery", "stroke", "cataract", "cataracts", "chemo", "unwell", "poorly"]}}],
        [{"LOWER": {"IN": ["look", "looking", "looked", "care", "caring", "cared"]}}, {"LOWER": {"IN": ["after", "for"]}}, {"LOWER": {"IN": ["my", "our", "me"]}}, {"LOWER": {"IN": KIN}}],
        # A visit, the other way round from "visiting my sister": "I had our grandson staying".
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": KIN}}, {"LOWER": {"IN": ["staying", "stopping", "visiting", "stayed", "visited"]}}],
    ],
    "interest_denied": [
        # The narrow, unambiguous forms: "no connection with the applicant", "nothing to
        # declare", "not my land". Kept apart from the broad negations above so that the
        # combiner can trust them more.
        [{"LOWER": {"IN": ["no", "nil", "without"]}}, {"LOWER": {"IN": ["personal", "prejudicial", "pecuniary", "other", "registrable", "declarable", "family", "business", "financial", "direct", "such", "real", "kind", "sort"]}, "OP": "?"},
         {"LOWER": {"IN": ["of"]}, "OP": "?"}, {"LOWER": {"IN": ["interest", "interests", "connection", "connections", "involvement", "dealings", "link", "links", "stake", "relationship", "relation", "conflict"]}}],
        [{"LOWER": {"IN": ["nothing", "none"]}}, {"LOWER": "to"}, {"LOWER": {"IN": ["declare", "disclose", "register"]}}],
        # "nobody in my family has", "neither I, my family's partnership nor...", "none of
        # my relatives": a negative quantifier over the possessive denies the kin or
        # property cue that follows it.
        [{"LOWER": {"IN": ["nobody", "no-one", "noone", "none", "neither", "nor"]}}, {"LOWER": {"IN": ["in", "of", "i", ",", "me", "myself", "from"]}, "OP": "{0,3}"}, {"LOWER": {"IN": ["my", "our"]}}],
        [{"LOWER": "no"}, {"LOWER": "one"}, {"LOWER": {"IN": ["in", "of", "from"]}}, {"LOWER": {"IN": ["my", "our"]}}],
        [{"LOWER": "not"}, {"LOWER": {"IN": ["related", "connected", "involved", "linked"]}}],
        # "I raise that not because my street is involved (it isn't)".
        [{"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "because"}, {"LOWER": {"IN": ["my", "our", "i", "we"]}}],
        [{"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["land", "business", "property", "family", "house", "field", "site", "company", "club", "application"]}}],
        [{"LOWER": {"IN": ["n't", "not"]}}, {"LOWER": {"IN": ["have", "hold"]}}, {"LOWER": {"IN": ["any", "an", "a"]}}, {"OP": "?"}, {"LOWER": {"IN": ["interest", "interests", "connection", "stake", "involvement"]}}],
        # Where the writer's own place is, said to rule it out: "my street isn't in it",
        # "my street's nowhere near it", "my home is some three miles from the site", "not
        # near my house". ("Is well within" or "not far from" would be the opposite: not here.)
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "own", "OP": "?"}, {"LOWER": {"IN": OWNED}}, {"LOWER": {"IN": ["is", "'s", "’s", "are", "was"]}}, {"LOWER": {"IN": ["n't", "not"]}},
         {"LOWER": {"IN": ["in", "on", "near", "affected", "involved", "part", "within", "anywhere"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "own", "OP": "?"}, {"LOWER": {"IN": OWNED}}, {"LOWER": {"IN": ["is", "'s", "’s", "are", "was"]}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["nowhere", "miles", "mile"]}}],
        [{"LOWER": {"IN": ["not", "nowhere"]}}, {"LOWER": {"IN": ["near", "close", "by"]}}, {"LOWER": "to", "OP": "?"}, {"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "own", "OP": "?"}, {"LOWER": {"IN": OWNED}}],
        # A stake given up ("I sold my own boat in 2019") or a firm that takes no part ("my
        # firm does not act in planning matters"), and "declaration of interests - none".
        [{"LOWER": {"IN": ["sold", "gave", "closed", "retired"]}}, {"LOWER": {"IN": ["up", "from"]}, "OP": "?"}, {"LOWER": {"IN": ["my", "our"]}}, {"LOWER": "own", "OP": "?"}, {"LOWER": {"IN": OWNED + ["boat", "shares", "stake", "licence", "plot"]}}],
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["firm", "practice", "company", "business", "employer", "partnership"]}}, {"LOWER": {"IN": ["does", "did", "has", "have", "is", "was"]}}, {"LOWER": {"IN": ["not", "n't", "never"]}}],
        [{"LOWER": {"IN": ["interest", "interests"]}}, {"LOWER": {"IN": ["-", "—", "–", ":", "="]}, "OP": "?"}, {"LOWER": {"IN": ["none", "nil", "n/a"]}}],
        # A stake ruled out in everyday words rather than the Code's: "he's nothing to do
        # with our trade here", "it doesn't touch us", "I'm not affected myself", "I don't
        # know the applicant", and the idioms "no skin in this", "no axe to grind", "no dog
        # in this fight" (leave-one-council-out raised interests on such disclaimers).
        [{"LOWER": "nothing"}, {"LOWER": "to"}, {"LOWER": "do"}, {"LOWER": "with"}, {"LOWER": {"IN": ["me", "us", "my", "our", "myself", "it", "this"]}}],
        [{"LOWER": "no"}, {"LOWER": {"IN": ["skin", "axe", "ax", "dog", "horse"]}}, {"LOWER": {"IN": ["in", "to"]}}],
        [{"LOWER": {"IN": ["does", "do", "did", "will", "would", "wo", "can", "could"]}}, {"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": {"IN": ["affect", "touch", "concern", "involve"]}},
         {"LOWER": {"IN": ["me", "us", "my", "our", "myself"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["am", "'m", "’m", "are", "'re", "’re", "was", "were"]}}, {"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "personally", "OP": "?"}, {"LOWER": "affected"}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["am", "'m", "’m", "are", "'re", "’re"]}}, {"LOWER": "personally", "OP": "?"}, {"LOWER": "unaffected"}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["do", "did"]}}, {"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "know"}, {"LOWER": {"IN": ["the", "them", "him", "her", "either", "any"]}}, {"LOWER": {"IN": ["applicant", "applicants", "owner", "owners", "family", "operator", "licensee", "personally"]}, "OP": "?"}],
    ],
    "mail_context": [
        # "from my home email - my grandson set it up", "my own address while I'm visiting
        # my sister": why the councillor is writing from elsewhere, not a stake. Interest
        # cues close to these are not counted (classifiers/combine.py).
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["own", "home", "personal", "private", "work", "business", "other", "usual", "old", "new", "family", "husband's", "wife's"]}, "OP": "{0,2}"},
         {"LOWER": {"IN": ["email", "e-mail", "emails", "address", "account", "laptop", "computer", "pc", "phone", "ipad", "tablet", "inbox", "mobile", "wifi", "wi-fi", "login", "log-in", "password", "gmail", "hotmail", "outlook"]}}],
    ],
    "council_role": [
        # The councillor's council roles ("as ward member", "as chair of the planning
        # committee") are not personal interests; the combiner learns to discount them.
        [{"LOWER": {"IN": ["as", "i", "i'm", "i’m", "am", "'m", "’m", "being"]}}, {"OP": "{0,3}"}, {"LOWER": {"IN": ["ward", "cabinet", "portfolio", "scrutiny", "planning", "licensing", "committee", "council", "local", "county", "district", "executive", "opposition", "group", "lead", "deputy", "area"]}},
         {"LOWER": {"IN": ["member", "members", "councillor", "councillors", "holder", "lead", "leader", "chair", "chairman", "convener", "convenor", "spokesperson", "champion"]}}],
        [{"LOWER": {"IN": ["chair", "chairman", "chairwoman", "convener", "convenor", "vice-chair", "member", "members", "leader"]}}, {"LOWER": "of"}, {"LOWER": {"IN": ["the", "this", "our"]}, "OP": "?"}, {"OP": "{0,2}"},
         {"LOWER": {"IN": ["committee", "scrutiny", "panel", "council", "cabinet", "sub-committee", "authority", "administration", "group"]}}],
        # "I chair Wrayton Parish Council", "I sit on Oxholme Parish Council": a seat on a
        # council (parish, town, community) is a council role too (LABELS.md), not a stake.
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["'m", "’m", "am", "also", "still", "currently"]}, "OP": "?"}, {"LOWER": {"IN": ["chair", "chairs", "sit", "serve", "on", "lead"]}}, {"LOWER": {"IN": ["on", "of"]}, "OP": "?"},
         {"OP": "{0,3}"}, {"LOWER": {"IN": ["council", "councils"]}}],
    ],
    "interest_role": [
        # A part in a body shown by what the councillor does for it rather than a title:
        # "I do the minutes and the books for them", "I keep the bookings", "I coach the
        # under-11s there" (leave-one-council-out missed these; a title needs a "chair").
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["do", "keep", "kept", "did", "run", "ran", "handle", "take"]}}, {"LOWER": {"IN": ["the", "their", "its", "our", "all"]}},
         {"OP": "{0,2}"}, {"LOWER": {"IN": ["books", "accounts", "minutes", "rota", "rotas", "bookings", "lettings", "newsletter", "fixtures", "teas", "membership", "subs", "finances", "raffle", "website", "scoring", "kit"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["coach", "umpire", "referee", "marshal", "steward", "ring", "sing", "play"]}}, {"LOWER": {"IN": ["the", "our", "their", "its", "a", "at", "for", "with", "in", "there"]}}],
        [{"LOWER": {"IN": ["i", "i'm", "i’m"]}}, {"LOWER": {"IN": ["am", "'m", "’m", "was", "have", "'ve"]}, "OP": "?"}, {"LOWER": {"IN": ["been", "also", "still", "currently", "now"]}, "OP": "*"},
         {"LOWER": {"IN": ["a", "an", "the", "its"]}, "OP": "?"}, {"LOWER": {"IN": STRONG_ROLES}}],
        [{"LOWER": "one"}, {"LOWER": "of"}, {"LOWER": {"IN": ["the", "its", "their", "our"]}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["trustees", "governors", "directors", "volunteers", "organisers", "organizers", "founders", "shareholders", "partners", "stewards", "coaches", "leaders", "officers", "elders", "wardens", "committee"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["'m", "’m", "am", "was", "are", "'re", "’re", "were"]}}, {"LOWER": {"IN": ["on", "in"]}}, {"OP": "{0,4}"}, {"LOWER": {"IN": BODIES}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["play", "sing", "ring", "drive", "work", "worked", "volunteer", "help", "coach", "keep", "teach", "umpire", "referee", "train", "cook", "clean", "deliver"]}},
         {"OP": "{0,3}"}, {"LOWER": {"IN": ["for", "in", "with", "at", "on"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["have", "hold", "rent", "lease", "took", "got"]}}, {"LOWER": {"IN": ["a", "the", "one", "two"]}}, {"OP": "?"},
         {"LOWER": {"IN": ["plot", "plots", "licence", "license", "lease", "mooring", "tenancy", "allotment", "stall", "pitch", "permit", "unit", "share", "shares", "stake"]}}],
        [{"LOWER": "as"}, {"LOWER": {"IN": ["the", "its", "a", "an", "club", "hall", "show", "church", "society", "group", "association", "committee"]}, "OP": "*"},
         {"LOWER": {"IN": ["treasurer", "secretary", "trustee", "chair", "chairman", "chairwoman", "governor", "president", "organiser", "organizer", "founder", "steward",
                           "churchwarden", "owner", "co-owner", "elder", "director", "proprietor", "licensee", "shareholder", "volunteer", "landlord", "tenant", "leaseholder"]}}],
        [{"LOWER": "which"}, {"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["chair", "run", "manage", "founded", "own", "belong", "lead", "organise", "organize", "coach"]}}],
        # "I've told the other directors", "my fellow trustees": one of them.
        [{"LOWER": {"IN": ["the", "my", "our"]}}, {"LOWER": {"IN": ["other", "fellow"]}}, {"LOWER": {"IN": ["directors", "trustees", "governors", "partners", "shareholders", "volunteers", "stallholders", "traders", "churchwardens"]}}],
        [{"LOWER": {"IN": ["i", "i'm", "i’m"]}}, {"LOWER": {"IN": ["am", "'m", "’m", "was", "have", "'ve"]}, "OP": "?"}, {"LOWER": {"IN": ["been", "also", "still", "currently", "now"]}, "OP": "*"},
         {"LOWER": {"IN": ["a", "an", "the"]}, "OP": "?"}, {"LOWER": {"IN": ROLES}}, {"LOWER": {"IN": ["of", "at", "for", "on", "with", "in"]}}],
        [{"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["chair", "chairs", "run", "sit", "serve", "volunteer", "coach", "manage", "founded"]}}, {"OP": "{0,4}"}, {"LOWER": {"IN": BODIES}}],
        [{"LOWER": {"IN": BODIES}}, {"LOWER": {"IN": ["i", "we"]}}, {"LOWER": {"IN": ["chair", "run", "belong", "founded", "manage", "coach", "support", "sit"]}}],
        [{"LOWER": {"IN": ["of", "on", "at"]}}, {"LOWER": "which"}, {"LOWER": "i"}, {"LOWER": {"IN": ["am", "'m", "was", "sit", "serve"]}}],
        # Not "my group": to a councillor that is their political group, not a body with a stake.
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["club", "church", "congregation", "chapel", "society", "association", "charity", "band", "team", "lodge", "branch", "union", "trust", "school"]}}],
    ],
    "complaint": [
        [{"LOWER": {"IN": ["complain", "complaint", "complaints", "complaining"]}}],
        [{"LOWER": {"IN": ["unacceptable", "appalling", "disgraceful", "disgrace", "shambles", "rude", "rudely", "dismissive", "incompetent", "incompetence", "unprofessional", "arrogant", "patronising", "patronizing", "shocking", "abysmal", "pathetic", "ridiculous", "outrageous", "inexcusable", "lamentable", "woeful", "unhelpful", "insulting", "condescending"]}}],
        [{"LOWER": {"IN": ["second", "third", "fourth", "fifth", "sixth", "umpteenth", "nth"]}}, {"LOWER": {"IN": ["time", "occasion", "email", "reminder", "request", "chaser"]}}],
        [{"LOWER": {"IN": ["reported", "raised", "asked", "chased", "emailed", "written", "wrote", "rang", "phoned", "called", "complained", "contacted"]}}, {"OP": "{0,4}"}, {"LOWER": {"IN": ["twice", "three", "four", "five", "six", "several", "numerous", "repeatedly", "countless", "many"]}}],
        [{"LOWER": {"IN": ["three", "four", "five", "six", "several", "numerous", "countless", "many"]}}, {"LOWER": {"IN": ["emails", "reminders", "chasers", "requests", "reports", "promises", "calls", "attempts"]}}],
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
        [{"LOWER": "how"}, {"OP": "{0,6}"}, {"LOWER": {"IN": ["complain", "complaint"]}}],
        [{"LOWER": {"IN": ["wishes", "wish", "wants", "want", "would", "like", "intends", "thinking"]}}, {"OP": "{0,2}"}, {"LOWER": "to"}, {"LOWER": {"IN": ["complain", "make", "lodge", "submit"]}}, {"OP": "{0,2}"}, {"LOWER": {"IN": ["complaint", "about"]}, "OP": "?"}],
        [{"LOWER": {"IN": ["where", "who", "which"]}}, {"OP": "{0,6}"}, {"LOWER": {"IN": ["complaint", "complaints"]}}],
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
        [{"LOWER": "fyi"}],
        [{"LOWER": "for"}, {"LOWER": {"IN": ["information", "info"]}}],
    ],
}


@Language.factory("mq_cues_v1", default_config={})
def make_cues(nlp: Language, name: str) -> "CueMarker":
    return CueMarker(nlp)


class CueMarker:
    def __init__(self, nlp: Language) -> None:
        # Compiled once: see classifiers/fastmatch.py for why not Matcher at run time.
        self.compiled = compile_cues(PATTERNS)
        self.find = hit_finder(self.compiled, nlp.vocab.strings, KERNELS)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[HITS_KEY] = CueHits(self.find(doc))
        return doc

    # The component carries no trained state: patterns live in the code, by version.
    def to_disk(self, path, *, exclude=()):  # type: ignore[no-untyped-def]
        return None

    def from_disk(self, path, *, exclude=()):  # type: ignore[no-untyped-def]
        return self

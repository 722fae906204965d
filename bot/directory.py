"""The council's people: members and officers rosters, internal domains, the mailbox.

Loaded once per config; classifiers and rules ask it questions instead of reading CSVs.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cached_property, lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Config, ConfigError
from bot.first_names import FORMAL

MEMBER_ROLES = {"councillor", "leader", "deputy_leader", "cabinet_member", "chair", "mayor", "provost"}
OFFICER_ROLES = {"chief_executive", "monitoring_officer", "s151_officer", "director", "head_of_service", "officer"}
# Letters after a name in a mail display name ("Bartholomew Copsey FRICS"): honours,
# offices and professional bodies, dropped from its end before the roster is asked.
POST_NOMINALS = frozenset("""mbe obe cbe kbe dbe bem jp dl frics mrics mrtpi fca aca acca cpfa cipfa frsa fcipd mcipd ba bsc ma msc
    mba phd llb kc qc rgn mp msp mla ms am mcmi fcmi ceng mice miet frcgp mrcgp rn""".split())
_BRACKETED = re.compile(r"\(.*?\)|\[.*?\]")  # "(Loughmore North)", "[Cllr]": never part of a name
# A display name written with initials: "S.J. Whiteside", "S. J. Whiteside", "A.B.C. Jones-Parry".
_INITIALS = re.compile(r"^\s*([A-Za-z])\.\s?(?:[A-Za-z]\.\s?){0,2}\s*([A-Za-z][A-Za-z'’ -]+?)\s*$")
_TITLES = re.compile(r"\b(cllr|councillor|cnllr|cyng|alderman|ald|mr|mrs|ms|miss|dr|prof|provost|bailie|rev|sir|dame)\b\.?", re.I)


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Fold case, accents, titles and punctuation so "Cllr. Siân O'Neill" == "sian oneill"."""
    if not name.isascii():  # ASCII text has no accents to fold: NFKD leaves it as it is
        name = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in name if not unicodedata.combining(c))
    name = _TITLES.sub(" ", name.lower())
    name = _BRACKETED.sub(" ", name)
    return " ".join(name_letters(name).split())


_NOT_IN_NAMES = re.compile(r"[^a-z\s-]")


def name_letters(lowered: str) -> str:
    """The letters of lower-case text as roster names keep them: "o'neill-ward" → "oneill ward"."""
    return _NOT_IN_NAMES.sub("", lowered).replace("-", " ")


@dataclass(frozen=True, slots=True)
class Member:
    name: str
    email: str
    ward: str
    role: str


@dataclass(frozen=True, slots=True)
class Officer:
    name: str
    email: str
    role: str
    services: tuple[str, ...]

    @property
    def service(self) -> str:
        return self.services[0] if self.services else ""


@dataclass(frozen=True)
class Directory:
    domains: tuple[str, ...]
    mailbox: str
    members: tuple[Member, ...]
    officers: tuple[Officer, ...]
    mailbox_aliases: frozenset[str] = frozenset()  # lower case, as ``mailbox`` (config: mailbox.aliases)
    _members_by_email: dict[str, Member] = field(default_factory=dict, repr=False)
    _members_by_name: dict[str, Member] = field(default_factory=dict, repr=False)
    _officers_by_email: dict[str, Officer] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._members_by_email.update({m.email: m for m in self.members})
        self._members_by_name.update({normalise_name(m.name): m for m in self.members})
        self._officers_by_email.update({o.email: o for o in self.officers})

    # --- addresses -------------------------------------------------------------
    def is_internal(self, email: str) -> bool:
        """The address's domain is one of the council's, or a subdomain of one.

        The same as asking, for each council domain, whether the domain equals it or ends
        with "." and it; put the other way round, whether the domain or one of its parents
        is in a set. That is a set lookup per dot, not a generator over the council's
        domains (2.5 → under 1 µs; it is asked for the sender and every recipient)."""
        domain = email.lower().rpartition("@")[2]
        internal = self._domain_set
        while domain not in internal:
            dot = domain.find(".")
            if dot < 0:
                return False
            domain = domain[dot + 1 :]
        return True

    @cached_property
    def _domain_set(self) -> frozenset[str]:
        return frozenset(self.domains)

    def is_mailbox(self, email: str) -> bool:
        """The shared mailbox's address, or one of its aliases, in any case."""
        email = email.lower()
        return email == self.mailbox or email in self.mailbox_aliases

    def member_by_email(self, email: str) -> Member | None:
        return self._members_by_email.get(email.lower())

    def officer_by_email(self, email: str) -> Officer | None:
        return self._officers_by_email.get(email.lower())

    def member_by_name(self, text: str) -> Member | None:
        """Exact roster name after normalisation; "Cllr Jane Smith" or "Smith, Jane"."""
        if not text:
            return None
        norm = normalise_name(text)
        if norm in self._members_by_name:
            return self._members_by_name[norm]
        if "," in text:
            last, _, first = text.partition(",")
            return self._members_by_name.get(normalise_name(f"{first} {last}"))
        words = norm.split()
        while len(words) > 2 and words[-1] in POST_NOMINALS:  # "Bartholomew Copsey FRICS"
            words.pop()
            found = self._members_by_name.get(" ".join(words))
            if found:
                return found
        found = self.member_by_short_name(words[0], words[-1]) if len(words) == 2 else None
        return found or self.member_by_initials(text)

    def member_by_initials(self, text: str) -> Member | None:
        """The one member with this surname whose first name begins with the first initial:
        "S.J. Whiteside", "Cllr S. Whiteside" for Samuel Whiteside. Each initial needs its
        full stop ("SJ Whiteside" could be a short name, and is left to that rule); further
        initials are not checked, since rosters hold no middle names. None when it fits
        more than one member."""
        written = _INITIALS.match(_TITLES.sub(" ", _BRACKETED.sub(" ", text)))
        if not written:
            return None
        words = normalise_name(written.group(2)).split()
        while len(words) > 1 and words[-1] in POST_NOMINALS:  # "S. Whiteside MBE"
            words.pop()
        if not words:
            return None
        ending, first = f" {' '.join(words)}", written.group(1).lower()
        found = [m for key, m in self._members_by_name.items() if key.endswith(ending) and key.startswith(first)]
        return found[0] if len(found) == 1 else None

    def member_by_short_name(self, first: str, surname: str) -> Member | None:
        """The one member with this surname whose first name begins with ``first`` (normalised
        words): "Tiff Harkins" for Tiffany Harkins, "Alex Doyle" for Alexander Doyle; or is the
        formal name of an everyday form ("Len Threadgold" for Leonard, ``bot/first_names.py``).
        None when the short form is under three letters and no everyday form, or fits more
        than one member."""
        # A formal name is matched whole ("patrick ", never "patricia"); the short form itself
        # as the start of one, from three letters.
        starts = tuple(f"{name} " for name in FORMAL.get(first, ())) + ((first,) if len(first) >= 3 else ())
        if not starts:
            return None
        found = [m for key, last, m in self._names_by_surname if last == surname and key.startswith(starts)]
        return found[0] if len(found) == 1 else None

    def members_named_in(self, text: str) -> list[Member]:
        norm = f" {normalise_name(text)} "
        words = norm.split()
        present = set(words)
        # A name can only be there if its last word is one of the text's words.
        found = [m for key, surname, m in self._names_by_surname if surname in present and f" {key} " in norm]
        if found or not present & self.member_surnames:
            return found
        # Signed with a short first name: "Tiff Harkins", "Tiff (Cllr Harkins)".
        short = (self.member_by_short_name(first, last) for first, last in zip(words, words[1:]) if last in self.member_surnames)
        return list(dict.fromkeys(m for m in short if m))

    @cached_property
    def _names_by_surname(self) -> tuple[tuple[str, str, Member], ...]:
        return tuple((key, key.rsplit(" ", 1)[-1], m) for key, m in self._members_by_name.items())

    # Derived once from the rosters (cached_property writes to the instance dict, which a
    # frozen dataclass allows).
    @cached_property
    def member_surnames(self) -> frozenset[str]:
        """Last words of the members' normalised names: a cheap "could a member be named here?"."""
        return frozenset(key.rsplit(" ", 1)[-1] for key in self._members_by_name)

    def may_name_a_member(self, letters: str) -> bool:
        """Whether any member's surname is in the text (``name_letters`` of it): a cheap test
        before looking for whole names. A plain substring test per surname: one regular
        expression with every surname as an alternative was three times slower, having
        no common prefix to skip ahead with."""
        return any(surname in letters for surname in self.member_surnames)

    @cached_property
    def officer_name_variants(self) -> tuple[tuple[Officer, str, tuple[str, ...]], ...]:
        """Each officer, their surname, and the lower-case ways a message may name them ("J. Doe", "Mrs Doe")."""
        rows = []
        for officer in self.officers:
            parts = officer.name.lower().split()
            variants = [officer.name.lower()]
            if len(parts) >= 2:
                variants += [f"{parts[0][0]}. {parts[-1]}", f"mr {parts[-1]}", f"mrs {parts[-1]}", f"ms {parts[-1]}"]
            rows.append((officer, parts[-1] if parts else officer.name.lower(), tuple(variants)))
        return tuple(rows)

    def officers_named_in(self, text: str) -> list[Officer]:
        norm = f" {normalise_name(text)} "
        return [o for o in self.officers if f" {normalise_name(o.name)} " in norm]

    # --- roles -----------------------------------------------------------------
    def officers_with_role(self, role: str) -> list[Officer]:
        return [o for o in self.officers if o.role == role]

    def first_with_role(self, role: str) -> Officer | None:
        found = self.officers_with_role(role)
        return found[0] if found else None

    def head_of_service(self, service: str) -> Officer | None:
        return next((o for o in self.officers if o.role == "head_of_service" and service in o.services), None)

    def director_for(self, service: str) -> Officer | None:
        return next((o for o in self.officers if o.role == "director" and service in o.services), None)

    def leader(self) -> Member | None:
        return next((m for m in self.members if m.role == "leader"), None)


def load_directory(config: Config) -> Directory:
    members = tuple(_read_members(config))
    officers = tuple(_read_officers(config))
    return Directory(
        domains=tuple(config.council.domains),
        mailbox=config.mailbox.address,
        members=members,
        officers=officers,
        mailbox_aliases=frozenset(config.mailbox.aliases),
    )


def _rows(config: Config, key: str, path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    full = config.resolve(path)
    try:
        with full.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in columns if c not in header]
            if missing:
                raise ConfigError(f"{full}: header: missing column(s) {', '.join(missing)} (named by {key} in {config.source})")
            reader.fieldnames = header
            return [(n, {k: (v or "").strip() for k, v in row.items() if k}) for n, row in enumerate(reader, start=2)]
    except FileNotFoundError:
        raise ConfigError(f"{config.source}: {key}: file not found: {full}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{full}: not UTF-8 text (named by {key} in {config.source})") from None


def _read_members(config: Config) -> list[Member]:
    path = config.resolve(config.members.roster)
    out: list[Member] = []
    for line, row in _rows(config, "members.roster", config.members.roster, ("name", "email", "ward", "role")):
        if not row["name"] or "@" not in row["email"]:
            raise ConfigError(f"{path}: line {line}: a member needs a name and an email address")
        role = row["role"].lower() or "councillor"
        if role not in MEMBER_ROLES:
            raise ConfigError(f"{path}: line {line}: role: {role!r} is not one of {', '.join(sorted(MEMBER_ROLES))}")
        out.append(Member(row["name"], row["email"].lower(), row["ward"], role))
    return out


def _read_officers(config: Config) -> list[Officer]:
    path = config.resolve(config.officers.roster)
    out: list[Officer] = []
    for line, row in _rows(config, "officers.roster", config.officers.roster, ("name", "email", "role", "service")):
        if not row["name"] or "@" not in row["email"]:
            raise ConfigError(f"{path}: line {line}: an officer needs a name and an email address")
        role = row["role"].lower()
        if role not in OFFICER_ROLES:
            raise ConfigError(f"{path}: line {line}: role: {role!r} is not one of {', '.join(sorted(OFFICER_ROLES))}")
        services = tuple(s.strip().lower() for s in row["service"].split(";") if s.strip())
        out.append(Officer(row["name"], row["email"].lower(), role, services))
    return out

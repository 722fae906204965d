"""Consumer mail providers: the webmail and ISP domains people use for private mail.

A councillor writing from outside the council's domains is either on one of these
(private mail) or on some other domain: in practice their own business's or
employer's. The second says something about the matter: a councillor who writes
about the pub from the pub's address has shown whose business it is. The
``personal_interest`` combiner weighs that as one feature among the others, and the
finding shows the From header as evidence.

Anything not listed counts as a business domain, so the list errs towards the
common UK, Irish and international providers; a missing provider only costs a
weak feature, never a decision on its own.
"""

from __future__ import annotations

CONSUMER_DOMAINS: frozenset[str] = frozenset(
    {
        # International webmail
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.co.uk", "outlook.com", "outlook.co.uk", "live.com",
        "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.ie", "ymail.com", "aol.com", "aol.co.uk", "icloud.com",
        "me.com", "mac.com", "protonmail.com", "proton.me", "pm.me", "mail.com", "gmx.com", "gmx.co.uk", "gmx.net",
        "zoho.com", "fastmail.com", "fastmail.co.uk", "tutanota.com", "hey.com",
        # UK and Irish ISPs
        "btinternet.com", "btopenworld.com", "talk21.com", "sky.com", "talktalk.net", "tiscali.co.uk", "virginmedia.com",
        "blueyonder.co.uk", "ntlworld.com", "virgin.net", "plus.com", "plus.net", "zen.co.uk", "onetel.com",
        "eircom.net", "vodafone.ie", "freeserve.co.uk", "waitrose.com", "supanet.com", "orange.net", "o2.co.uk",
    }
)


def is_consumer_mail(address: str) -> bool:
    """Whether an address is on a consumer provider (subdomains included: mail.btinternet.com)."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    # The domain and each parent (mail.btinternet.com, btinternet.com, com) looked up in
    # the set: a few hashes instead of a suffix test against every provider.
    while domain:
        if domain in CONSUMER_DOMAINS:
            return True
        domain = domain.partition(".")[2]
    return False


def outside_address_kind(address: str) -> str:
    """``webmail`` or ``business``, for an address outside the council's domains."""
    return "webmail" if is_consumer_mail(address) else "business"

"""Everyday forms of first names that are not the beginning of the formal one.

"Tiff" finds Tiffany Harkins by its first letters (``Directory.member_by_short_name``);
"Len" does not find Leonard, nor "Packie" Patrick. Councillors sign and set their mail
display names with the name they are called by, so a roster holding the formal name
misses them. Each everyday form (lower case, as ``normalise_name`` leaves it) lists the
formal names it is short for, in the four nations' usage; a match still needs the
surname and exactly one member who fits.
"""

from __future__ import annotations

FORMAL: dict[str, tuple[str, ...]] = {
    "andy": ("andrew",), "bert": ("albert", "herbert", "bertram"), "bill": ("william",), "billy": ("william",),
    "bob": ("robert",), "bobby": ("robert",), "rob": ("robert",), "robbie": ("robert",), "rab": ("robert",), "rabbie": ("robert",),
    "charlie": ("charles", "charlotte"), "chas": ("charles",), "dai": ("david",), "dod": ("george",), "eck": ("alexander",),
    "sandy": ("alexander", "alexandra"), "daz": ("darren", "darryl", "daryl"), "baz": ("barry",), "gaz": ("gary", "gareth"),
    "gerry": ("gerald", "gerard", "geraldine"), "harry": ("henry", "harold"), "jack": ("john",), "johnny": ("john",), "jock": ("john",),
    "jim": ("james",), "jimmy": ("james",), "jamie": ("james",), "len": ("leonard",), "lenny": ("leonard",),
    "liz": ("elizabeth",), "lizzie": ("elizabeth",), "beth": ("elizabeth", "bethan"), "betty": ("elizabeth",),
    "maggie": ("margaret",), "meg": ("margaret",), "peggy": ("margaret",), "mick": ("michael",), "mickey": ("michael",),
    "mike": ("michael",), "nick": ("nicholas", "nicola"), "packie": ("patrick",), "paddy": ("patrick",), "peadar": ("peter",),
    "ned": ("edward",), "ted": ("edward",), "ed": ("edward", "edmund"), "shug": ("hugh",), "steve": ("stephen", "steven"),
    "sue": ("susan", "suzanne"), "kate": ("katherine", "catherine", "kathleen"), "kath": ("katherine", "kathleen"),
    "cathy": ("catherine",), "jenny": ("jennifer",), "terry": ("terence",), "tony": ("anthony", "antony"), "wullie": ("william",),
    "will": ("william",), "shaz": ("sharon",), "tez": ("terence", "terry"), "mandy": ("amanda",), "becky": ("rebecca",),
    "vicky": ("victoria",), "jo": ("joanne", "joanna", "josephine"), "dot": ("dorothy",), "dolly": ("dorothy",),
}

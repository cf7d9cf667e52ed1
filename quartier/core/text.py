"""Checks on text people type in: titles, comments, statements, display names.

One place for every app, so that an idea's title and an opinion-map statement refuse the same
tricks: control characters (PostgreSQL refuses a NUL outright), text made of invisible characters
only, bidirectional overrides that make a text read differently from what it holds (Trojan
Source, CVE-2021-42574), and display names that pose as the city's staff.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from .errors import DomainError

# Tab, line feed and carriage return are ordinary in a comment; every other C0/C1 control is not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). The marks LRM/RLM/ALM stay
# allowed: Arabic or Hebrew text mixed with Latin needs them.
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Letters that render as nothing: Hangul fillers, the braille blank, the Mongolian vowel separator.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")

# Words a display name may not use: a person named "Moderation" or "Stadt Dortmund" could
# pass for the city's staff. Compared as whole words, case-insensitively, after folding
# look-alike digits and letters; "Altstadtliebe" stays fine.
RESERVED_NAME_WORDS = frozenset(
    {
        "staff",
        "mitarbeiter",
        "mitarbeiterin",
        "mitarbeitende",
        "moderation",
        "moderator",
        "moderators",
        "moderatorin",
        "moderatoren",
        "mod",
        "admin",
        "admins",
        "administrator",
        "administratorin",
        "administratoren",
        "administration",
        "verwaltung",
        "stadtverwaltung",
        "stadt",
        "city",
        "quartier",
    }
)
_LOOKALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        # Cyrillic and Greek letters that look Latin.
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "і": "i",
        "т": "t",
        "ѕ": "s",
        "ԁ": "d",
        "м": "m",
        "α": "a",
        "ο": "o",
        "ι": "i",
        "τ": "t",
    }
)


class TextRefused(DomainError):
    code = "invalid_text"


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def _is_invisible(character: str) -> bool:
    return (
        character.isspace()
        or character in _BLANK_LOOKING
        or unicodedata.category(character) in {"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"}
    )


def text_check(value: str, *, field: str) -> str:
    """Refuse ``value`` if it hides what it says; return it unchanged otherwise.

    Empty text is left to the caller (some fields are optional)."""
    if has_control_characters(value):
        raise TextRefused(_("%(field)s must not contain control characters.") % {"field": field})
    if _BIDI_CONTROL.search(value):
        raise TextRefused(
            _("%(field)s must not contain characters that reverse the direction of the text.")
            % {"field": field}
        )
    if value and all(_is_invisible(character) for character in value):
        raise TextRefused(_("%(field)s must contain visible characters.") % {"field": field})
    return value


def display_name_check(value: str) -> str:
    """A public name: the checks of every text, and no word that poses as the city's staff."""
    text_check(value, field=_("Display name"))
    # NFKD splits "À" into "A" and a combining accent, which is dropped with the invisibles.
    decomposed = unicodedata.normalize("NFKD", value).casefold()
    folded = "".join(
        " " if character.isspace() else character
        for character in decomposed
        if character.isspace() or not _is_invisible(character)
    )
    for word in re.split(r"[^\w@$]+|_", folded):
        candidates = {word, word.translate(_LOOKALIKES), word.rstrip("0123456789")}
        if candidates & RESERVED_NAME_WORDS:
            raise TextRefused(
                _(
                    "Please choose another display name: names such as “Moderation”, “Admin” "
                    "or “Stadt” are kept for the city's staff."
                )
            )
    return value

"""Vehicle plates (госномер) under GOST R 50577: one spelling for storage, search and the blocklist.

A plate uses twelve Cyrillic letters, those with a Latin look-alike. Guards and cameras type the
Latin ones, so folding is by shape: Latin H is Cyrillic Н, while Latin N is no plate letter at all.
"""

from __future__ import annotations

import re
import unicodedata

from backend.domain.errors import DomainError
from backend.i18n import N_

PLATE_LETTERS = "АВЕКМНОРСТУХ"

# Latin capital look-alike -> Cyrillic plate letter, in the order of PLATE_LETTERS.
LATIN_TO_CYRILLIC = dict(zip("ABEKMHOPCTYX", PLATE_LETTERS))

# Characters people put between the parts of a plate.
_SEPARATORS = re.compile(r"[\s\-_]+")
_RUS_SUFFIX = re.compile(r"RUS$")

_LETTER = f"[{PLATE_LETTERS}]"
# Region code: two digits, or three digits starting with 1-9 (77, 777, 102).
_REGION = r"(?:\d{2}|[1-9]\d{2})"

# Forms with a reliable shape, by the name used in this code. Motorcycles share their shape with
# tractors and with military plates, so "motorcycle" names the shape, not the vehicle.
PLATE_FORMS = {
    "private": re.compile(rf"{_LETTER}\d{{3}}{_LETTER}{{2}}{_REGION}"),
    "taxi": re.compile(rf"{_LETTER}{{2}}\d{{3}}{_REGION}"),
    "trailer": re.compile(rf"{_LETTER}{{2}}\d{{4}}{_REGION}"),
    "transit": re.compile(rf"{_LETTER}{{2}}\d{{3}}{_LETTER}{_REGION}"),
    "motorcycle": re.compile(rf"\d{{4}}{_LETTER}{{2}}{_REGION}"),
    "police": re.compile(rf"{_LETTER}\d{{4}}{_REGION}"),
}

_ALLOWED = ", ".join(PLATE_LETTERS)


class PlateError(DomainError):
    """An input that is not a vehicle plate. `letter` is the offending character, if there is one."""

    def __init__(self, code: str, message: str, *, value: str, letter: str | None = None,
                 **params: str) -> None:
        if letter is not None:
            params["letter"] = letter
        super().__init__(code, message, field="plate", value=value, **params)
        self.letter = letter


def normalize_plate(text: str) -> str:
    """Fold a typed plate to its stored spelling: `a 123 bc 77 RUS` -> `А123ВС77`.

    Raises PlateError for an empty plate, a letter outside the twelve (Latin N, Cyrillic Д) or a
    character that no plate carries. The result is not checked against the plate forms: see
    `plate_format`.
    """
    # NFKC turns full-width letters and digits from some keyboards into plain ones.
    upper = unicodedata.normalize("NFKC", text).upper()
    compact = _RUS_SUFFIX.sub("", _SEPARATORS.sub("", upper))
    if not compact:
        raise PlateError("plate_empty", N_("The plate number is missing."), value=text)
    return "".join(_fold_character(character, text) for character in compact)


def _fold_character(character: str, text: str) -> str:
    if character.isdigit() and character.isascii():
        return character
    if character in PLATE_LETTERS:
        return character
    if character in LATIN_TO_CYRILLIC:
        return LATIN_TO_CYRILLIC[character]
    if character.isalpha():
        message = N_("The letter «{letter}» is not used on plates. Allowed letters: {allowed}.")
        raise PlateError("plate_invalid_letter", message, value=text, letter=character, allowed=_ALLOWED)
    message = N_("The character «{letter}» is not used on plates: enter letters and digits only.")
    raise PlateError("plate_invalid_character", message, value=text, letter=character)


def plate_format(normalized: str) -> str | None:
    """Name the form of a normalized plate (a key of PLATE_FORMS), or None if none fits.

    Without spaces some plates read two ways: `АВ123477` is a taxi plate of region 477 or a
    trailer plate of region 77. Such a plate gets both names joined by "_or_" (`taxi_or_trailer`).
    """
    names = [name for name, pattern in PLATE_FORMS.items() if pattern.fullmatch(normalized)]
    return "_or_".join(names) or None


def check_plate(text: str) -> str:
    """Return the stored spelling of a plate, or raise PlateError if it fits no known form."""
    normalized = normalize_plate(text)
    if plate_format(normalized) is None:
        message = N_("«{plate}» does not look like a Russian plate number, for example А123ВС77.")
        raise PlateError("plate_invalid_format", message, value=text, plate=text)
    return normalized


def is_valid_plate(text: str) -> bool:
    try:
        check_plate(text)
    except PlateError:
        return False
    return True

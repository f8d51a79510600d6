"""Person names (ФИО): folding for search and the blocklist, splitting, initials and matching.

Names are taken in the Russian order: last name, first name, patronymic.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from backend.domain.errors import DomainError
from backend.i18n import N_

# A dot directly followed by more text: the place to split joined initials such as `И.И.`.
# A hyphen after the dot belongs to a double initial (`А.-М.`) and is not split off.
_AFTER_DOT = re.compile(r"(?<=\.)(?=[^\s-])")


class FullName(NamedTuple):
    last: str
    first: str | None = None
    patronymic: str | None = None


class FullNameError(DomainError):
    """A full name that cannot be split into parts."""


def fold_text(text: str) -> str:
    """Fold text for search and blocklist matching: `  Пётр-Иванович, ИВАНОВ ` -> `петр иванович иванов`.

    Lowercases (casefold), reads ё as е, turns punctuation and symbols into spaces and collapses
    runs of spaces. Combining accents that do not merge into a letter (stress marks) are dropped.
    """
    composed = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    characters = []
    for character in composed:
        if unicodedata.category(character) == "Mn":
            continue
        characters.append(character if character.isalnum() else " ")
    return " ".join("".join(characters).split())


def split_full_name(text: str) -> FullName:
    """Split `Иванов Иван Иванович` into its parts, keeping the spelling as typed.

    Missing parts are None. Words after the first name form the patronymic, so `Рашид оглы`
    stays one part. Joined initials are separated, so `Иванов И.И.` gives `И.` and `И.`.
    """
    words = _words(text)
    if not words:
        message = N_("Enter the full name: last name, first name and patronymic.")
        raise FullNameError("full_name_missing", message, field="full_name", value=text)
    first = words[1] if len(words) > 1 else None
    patronymic = " ".join(words[2:]) or None
    return FullName(words[0], first, patronymic)


def short_name(last: str, first: str | None = None, patronymic: str | None = None) -> str:
    """Return the last name with initials: `Иванов И. И.`. A double first name gives `А.-М.`."""
    parts = [last.strip(), _initial(first), _initial(patronymic)]
    return " ".join(part for part in parts if part)


def _initial(name: str | None) -> str:
    if not name or not name.strip():
        return ""
    pieces = [piece.strip(" .") for piece in name.strip().split("-")]
    return "-".join(f"{piece[0].upper()}." for piece in pieces if piece)


def names_match(a: str, b: str) -> bool:
    """Tell whether two written names may be the same person.

    The rule: last names must be equal after folding (ё = е, case ignored). First names must
    both be present, and a bare last name matches only a bare last name. Each given part present
    on both sides must agree: two full words are equal, and an initial matches any word with that
    first letter. A part missing on one side (often the patronymic) does not count against. So
    `Иванов И.И.`, `иванов иван иванович` and `ИВАНОВ Иван` all match, while `Иванов И.П.` does
    not match `Иванов Иван Иванович`.

    Initials need a dot or a space (`И.И.`, `И И`); `ИИ` reads as a first name. Initials may stand
    before the last name (`И. И. Иванов`). NOTE: the order first name then last name
    (`Иван Иванов`) is not recognized and reads as last name `Иван`.
    """
    key_a, key_b = _name_key(a), _name_key(b)
    if key_a is None or key_b is None or key_a[0] != key_b[0]:
        return False

    given_a, given_b = key_a[1], key_b[1]
    if not given_a or not given_b:
        return not given_a and not given_b
    return all(_parts_agree(part_a, part_b) for part_a, part_b in zip(given_a, given_b))


def _name_key(text: str) -> tuple[str, list[str]] | None:
    """Fold a name into its last name and up to two given words (first name, patronymic)."""
    words = [_fold_word(word) for word in _words(text)]
    words = [word for word in words if word]
    if not words:
        return None

    is_initial = [len(word) == 1 for word in words]
    if len(words) > 1 and all(is_initial[:-1]) and not is_initial[-1]:
        words = [words[-1], *words[:-1]]
    # Words after the patronymic (`оглы`, `кызы`) are left out of the comparison.
    return words[0], words[1:3]


def _fold_word(word: str) -> str:
    # Keep a hyphenated name as one word: `Салтыков-Щедрин` -> `салтыков-щедрин`.
    return fold_text(word).replace(" ", "-")


def _parts_agree(part_a: str, part_b: str) -> bool:
    """Compare two given names, either of which may be an initial: `а-м` agrees with `анна-мария`."""
    pieces_a, pieces_b = part_a.split("-"), part_b.split("-")
    if len(pieces_a) != len(pieces_b):
        return (len(part_a) == 1 or len(part_b) == 1) and part_a[0] == part_b[0]
    return all(_words_agree(piece_a, piece_b) for piece_a, piece_b in zip(pieces_a, pieces_b))


def _words_agree(word_a: str, word_b: str) -> bool:
    if len(word_a) == 1 or len(word_b) == 1:
        return word_a[0] == word_b[0]
    return word_a == word_b


def _words(text: str) -> list[str]:
    return _AFTER_DOT.sub(" ", text).split()

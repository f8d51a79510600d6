"""Reading what a guard typed or scanned into one field: a QR code, a pass number, a plate or a name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.domain.clients.names import fold_text
from backend.domain.passes.plates import PlateError, normalize_plate


class QueryKind:
    QR = "qr"
    NUMBER = "number"
    """Digits: a pass number, or the digits of a plate."""
    PLATE = "plate"
    NAME = "name"
    EMPTY = "empty"
    """Nothing searchable: blank, or a name shorter than MIN_NAME_PREFIX letters."""


MIN_NAME_PREFIX = 2  # letters of a last name before the search starts
_QR = re.compile(r"^(\d{1,15})-(\d{12})$")
_NUMBER = re.compile(r"^(?:№|#|N)?\s*(\d{1,15})$")

# A name typed with the Latin layout on: `Bdfyjd` is `Иванов` on a ЙЦУКЕН keyboard.
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_LAYOUT = str.maketrans(_QWERTY, _JCUKEN)


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    text: str
    """The value searched: digits, a normalized plate, or folded name words joined by spaces."""
    token: str | None = None
    """The QR code's token, for kind QR."""
    layout_text: str | None = None
    """For a name typed in Latin letters: the same keys read on the Russian layout."""

    def name_variants(self) -> list[list[str]]:
        """Return the word lists a name query searches: as typed, and as keyed on the Russian layout."""
        variants = [self.text.split()]
        if self.layout_text:
            variants.append(self.layout_text.split())
        return variants


def read_query(raw: str) -> SearchQuery:
    """Classify the search field's text. Digits and a hyphen are a QR code; plates need a digit."""
    text = raw.strip()
    if qr := _QR.match(text):
        return SearchQuery(QueryKind.QR, qr.group(1), qr.group(2))
    if number := _NUMBER.match(text):
        return SearchQuery(QueryKind.NUMBER, number.group(1))
    plate = _plate_or_none(text)
    if plate is not None and any(character.isdigit() for character in plate):
        return SearchQuery(QueryKind.PLATE, plate)
    return _name_query(text)


def _plate_or_none(text: str) -> str | None:
    try:
        return normalize_plate(text)
    except PlateError:
        return None


def _name_query(text: str) -> SearchQuery:
    words = _last_name_first(fold_text(text).split())
    if not words or len(words[0]) < MIN_NAME_PREFIX:
        return SearchQuery(QueryKind.EMPTY, " ".join(words))
    layout_text = None
    if text.isascii():
        layout_words = _last_name_first(fold_text(text.lower().translate(_LAYOUT)).split())
        layout_text = " ".join(layout_words) or None
    return SearchQuery(QueryKind.NAME, " ".join(words), layout_text=layout_text)


def _last_name_first(words: list[str]) -> list[str]:
    """Move the last name to the front when initials stand before it (`и и иванов`)."""
    if len(words) > 1 and all(len(word) == 1 for word in words[:-1]):
        return [words[-1], *words[:-1]]
    return words


def name_fits(query_words: list[str], name_key: str | None) -> bool:
    """Whether a folded visitor name fits a name query word by word, each query word as a prefix.

    So `иванов и` and `иван` fit `иванов иван иванович`, while `иванов п` does not.
    """
    if not name_key:
        return False
    name_words = name_key.split()
    if len(query_words) > len(name_words):
        return False
    return all(name_word.startswith(word) for word, name_word in zip(query_words, name_words))

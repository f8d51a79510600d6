"""Reading an address as a dispatcher types it: `Часовая 19 кв 45`, `часовая д.19 к.3, кв. 45`, `Ходынский 5 оф 12`.

The result names the street words, the house and corpus numbers and the premise label with the
kinds its marker allows. Matching against stored addresses happens in SQL on folded text.
"""

from __future__ import annotations

import re

import msgspec

from backend.domain.buildings.models import PremiseKind
from backend.domain.clients.search_keys import search_key

HOUSE_MARKERS = frozenset({"д", "дом", "вл", "владение"})
CORPUS_MARKERS = frozenset({"к", "корп", "корпус"})
STRUCTURE_MARKERS = frozenset({"с", "стр", "строение"})
PREMISE_MARKERS: dict[str, tuple[str, ...]] = {
    "кв": (PremiseKind.FLAT, PremiseKind.APARTMENT), "квартира": (PremiseKind.FLAT, PremiseKind.APARTMENT),
    "апарт": (PremiseKind.APARTMENT,), "апартаменты": (PremiseKind.APARTMENT,),
    "оф": (PremiseKind.OFFICE,), "офис": (PremiseKind.OFFICE,),
    "пом": (PremiseKind.COMMERCIAL, PremiseKind.OFFICE), "помещение": (PremiseKind.COMMERCIAL, PremiseKind.OFFICE),
    "нп": (PremiseKind.COMMERCIAL,), "мм": (PremiseKind.PARKING,), "машиноместо": (PremiseKind.PARKING,),
    "паркинг": (PremiseKind.PARKING,), "кл": (PremiseKind.STORAGE,), "кладовая": (PremiseKind.STORAGE,),
}
STREET_TYPES = frozenset({"г", "город", "ул", "улица", "пр", "пр-т", "просп", "проспект", "ш", "шоссе", "б", "р",
                          "бульвар", "пер", "переулок", "проезд", "пл", "площадь", "наб", "набережная", "мкр",
                          "микрорайон", "туп", "тупик", "аллея"})
"""Words that name the kind of street; the registry abbreviates them, so they are not matched."""

# `19к3`, `19с2`: a house number glued to its corpus or structure.
_GLUED_CORPUS = re.compile(r"^(\d+[а-я]?)(к|корп|с|стр)(\d+)$")
_NUMBER = re.compile(r"^\d+[а-я]?$")
# Latin letters typed in a label by the transliteration people use on an English keyboard.
_LATIN_LABEL_LETTERS = str.maketrans("abvgde", "абвгде")


class AddressQuery(msgspec.Struct, kw_only=True):
    street_words: list[str]
    house: str | None = None
    corpus: str | None = None
    structure: str | None = None
    premise_label: str | None = None
    premise_kinds: tuple[str, ...] = ()
    """Kinds the premise marker allows; empty when no marker was typed."""

    @property
    def names_building(self) -> bool:
        return bool(self.street_words) and self.house is not None


def parse_address(text: str) -> AddressQuery | None:
    """Split a typed address into its parts, or return None when it has no street word."""
    tokens = _tokens(text)
    query = AddressQuery(street_words=[])
    expecting: str | None = None
    bare_numbers: list[str] = []
    for token in tokens:
        if _NUMBER.match(token):
            expecting = _place_number(query, token, expecting, bare_numbers)
        else:
            expecting = _read_word(query, token)

    _place_bare_numbers(query, bare_numbers)
    return query if query.street_words else None


def _tokens(text: str) -> list[str]:
    tokens = []
    for token in search_key(text.translate(str.maketrans({"/": " ", "-": " "}))).split():
        glued = _GLUED_CORPUS.match(token)
        tokens.extend(glued.groups() if glued else (token,))
    return tokens


def _read_word(query: AddressQuery, word: str) -> str | None:
    if word in HOUSE_MARKERS:
        return "house"
    if word in CORPUS_MARKERS:
        return "corpus"
    if word in STRUCTURE_MARKERS:
        return "structure"
    if word in PREMISE_MARKERS:
        query.premise_kinds = PREMISE_MARKERS[word]
        return "premise"
    if word not in STREET_TYPES:
        query.street_words.append(word)
    return None


def _place_number(query: AddressQuery, number: str, expecting: str | None, bare_numbers: list[str]) -> None:
    if expecting == "premise":
        query.premise_label = number.translate(_LATIN_LABEL_LETTERS)
    elif expecting in ("house", "corpus", "structure"):
        setattr(query, expecting, number)
    elif not query.street_words:
        # A number before any street word belongs to the street's name: `8 Марта`, `1-я Тверская`.
        query.street_words.append(number)
    else:
        bare_numbers.append(number)
    return None


def _place_bare_numbers(query: AddressQuery, numbers: list[str]) -> None:
    """Read unmarked numbers after the street: the house first, the premise last."""
    if numbers and query.house is None:
        query.house = numbers.pop(0)
    if numbers and query.premise_label is None:
        query.premise_label = numbers.pop().translate(_LATIN_LABEL_LETTERS)
    if numbers and query.corpus is None:
        query.corpus = numbers.pop(0)

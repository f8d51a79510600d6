"""Russian tax and registry identifiers of clients: ИНН, КПП, ОГРН and ОГРНИП.

Check digits follow the Federal Tax Service algorithms: weighted sums modulo 11 for ИНН,
the number without its last digit modulo 11 (ОГРН) or 13 (ОГРНИП) for registry numbers.
"""

from __future__ import annotations

import re
from typing import Literal

from backend.domain.errors import DomainError
from backend.i18n import N_

# Weights of the ИНН check digits: one digit for 10-digit (organisation) numbers, two for 12-digit.
INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_FIRST = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS_SECOND = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

# КПП: tax office code (4 digits), reason code (2 digits or capital Latin letters), number (3 digits).
KPP_PATTERN = re.compile(r"\d{4}[0-9A-Z]{2}\d{3}")

# First digit of a registry number: 1 or 5 for an organisation's ОГРН, 3 for an ОГРНИП.
OGRN_FIRST_DIGITS = {13: "15", 15: "3"}

# Spaces that people and exports put inside long numbers.
_SPACES = re.compile(r"\s+")

InnHolder = Literal["organization", "individual"]
OgrnHolder = Literal["organization", "entrepreneur"]

_INN_LENGTHS: dict[InnHolder | None, tuple[tuple[int, ...], str]] = {
    None: ((10, 12), N_("The INN must have 10 digits (an organisation) or 12 digits (a person "
                        "or a sole proprietor).")),
    "organization": ((10,), N_("An organisation's INN must have 10 digits.")),
    "individual": ((12,), N_("The INN of a person or a sole proprietor must have 12 digits.")),
}

_OGRN_LENGTHS: dict[OgrnHolder | None, tuple[tuple[int, ...], str]] = {
    None: ((13, 15), N_("The OGRN must have 13 digits, or 15 digits for a sole proprietor's "
                        "OGRNIP.")),
    "organization": ((13,), N_("An organisation's OGRN must have 13 digits.")),
    "entrepreneur": ((15,), N_("A sole proprietor's OGRNIP must have 15 digits.")),
}

_OGRN_FIRST_DIGIT_MESSAGES = {
    13: N_("An OGRN starts with 1 or 5: check the number against the documents."),
    15: N_("An OGRNIP starts with 3: check the number against the documents."),
}

_OGRN_CHECKSUM_MESSAGES = {
    13: N_("The OGRN has a wrong check digit: check the number against the documents."),
    15: N_("The OGRNIP has a wrong check digit: check the number against the documents."),
}


class IdentifierError(DomainError):
    """An identifier with the wrong length, characters or check digit."""


def validate_inn(text: str, holder: InnHolder | None = None) -> str:
    """Return the ИНН without spaces, or raise IdentifierError.

    An organisation has 10 digits and an individual (a person or a sole proprietor) 12.
    `holder` restricts the length to one of them.
    """
    inn = _digits_only(text, "inn", N_("The INN may contain digits only."))
    lengths, message = _INN_LENGTHS[holder]
    if len(inn) not in lengths:
        raise IdentifierError("inn_invalid_length", message, field="inn", value=text)
    if not _inn_checksum_ok(inn):
        message = N_("The INN has a wrong check digit: check the number against the documents.")
        raise IdentifierError("inn_invalid_checksum", message, field="inn", value=text)
    return inn


def _inn_checksum_ok(inn: str) -> bool:
    digits = [int(digit) for digit in inn]
    if len(digits) == 10:
        return _check_digit(digits, INN10_WEIGHTS) == digits[9]
    return (_check_digit(digits, INN12_WEIGHTS_FIRST) == digits[10]
            and _check_digit(digits, INN12_WEIGHTS_SECOND) == digits[11])


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(digit * weight for digit, weight in zip(digits, weights)) % 11 % 10


def validate_kpp(text: str) -> str:
    """Return the КПП without spaces and in capitals, or raise IdentifierError.

    A КПП has no check digit, so only its shape is checked.
    """
    kpp = _SPACES.sub("", text).upper()
    if not KPP_PATTERN.fullmatch(kpp):
        message = N_("The KPP must have 9 characters: 4 digits, then 2 digits or capital Latin "
                     "letters, then 3 digits.")
        raise IdentifierError("kpp_invalid_format", message, field="kpp", value=text)
    return kpp


def validate_ogrn(text: str, holder: OgrnHolder | None = None) -> str:
    """Return the ОГРН (13 digits) or ОГРНИП (15 digits) without spaces, or raise IdentifierError.

    `holder` restricts the kind to an organisation's ОГРН or a sole proprietor's ОГРНИП.
    """
    ogrn = _digits_only(text, "ogrn", N_("The OGRN may contain digits only."))
    lengths, message = _OGRN_LENGTHS[holder]
    if len(ogrn) not in lengths:
        raise IdentifierError("ogrn_invalid_length", message, field="ogrn", value=text)

    if ogrn[0] not in OGRN_FIRST_DIGITS[len(ogrn)]:
        message = _OGRN_FIRST_DIGIT_MESSAGES[len(ogrn)]
        raise IdentifierError("ogrn_invalid_format", message, field="ogrn", value=text)

    modulus = 11 if len(ogrn) == 13 else 13
    if int(ogrn[:-1]) % modulus % 10 != int(ogrn[-1]):
        message = _OGRN_CHECKSUM_MESSAGES[len(ogrn)]
        raise IdentifierError("ogrn_invalid_checksum", message, field="ogrn", value=text)
    return ogrn


def _digits_only(text: str, field: str, message: str) -> str:
    cleaned = _SPACES.sub("", text)
    if any(character not in "0123456789" for character in cleaned):
        raise IdentifierError(f"{field}_invalid_format", message, field=field, value=text)
    return cleaned

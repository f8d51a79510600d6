"""Phone numbers of clients: stored as E.164 so that a caller id finds the client card.

Parsing uses `phonenumbers` with Russia as the default region, so `8 912 …`, `+7 912 …`,
`7 912 …` and a bare 10-digit `912 …` give the same number. `+7 7xx` numbers are Kazakhstan's
and stay valid.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

from backend.domain.errors import DomainError
from backend.i18n import N_

DEFAULT_REGION = "RU"

# An extension marker and its digits at the end of the input: `доб. 123`, `ext 5`, `x12`.
_EXTENSION = re.compile(r"(?:доб|ext|x)\.?\s*\d+\s*$", re.IGNORECASE)


class PhoneError(DomainError):
    """An input that is not a phone number a client can be called on."""

    def __init__(self, code: str, message: str, *, value: str) -> None:
        super().__init__(code, message, field="phone", value=value)


def normalize_phone(text: str) -> str:
    """Return the E.164 form (`+79123456789`) of a typed phone number.

    Raises PhoneError `phone_invalid` for anything that is not a valid number, and
    `phone_extension_unsupported` for a number with an extension, which E.164 cannot keep.
    """
    number = _parse(text)
    if number is None:
        message = N_("The phone number was not recognized: enter 10 digits after +7.")
        raise PhoneError("phone_invalid", message, value=text)
    if number.extension:
        message = N_("Extensions are not supported: enter the phone number without the extension.")
        raise PhoneError("phone_extension_unsupported", message, value=text)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def try_normalize_phone(text: str | None) -> str | None:
    """Return the E.164 form of a caller id, or None when it names no reachable number.

    None covers internal extensions (`101`, `150010001`), `anonymous`, `<unknown>` and empty
    caller ids, so that they never match a client.
    """
    if not text:
        return None
    number = _parse(text)
    if number is None or number.extension:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Render a stored number for people: `+7 (912) 345-67-89` in Russia, international elsewhere."""
    try:
        # No default region, so only an international number with a leading + parses.
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        message = N_("The phone number was not recognized: enter 10 digits after +7.")
        raise PhoneError("phone_invalid", message, value=e164) from None

    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        # Russian national format starts with the trunk prefix: `8 (912) 345-67-89`.
        if national.startswith("8 "):
            return "+7 " + national.removeprefix("8 ")
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _parse(text: str) -> PhoneNumber | None:
    """Parse `text` as a phone number, or return None when `phonenumbers` finds it invalid."""
    if _has_letters(text):
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _has_letters(text: str) -> bool:
    # phonenumbers reads letters as keypad digits (`ABC` -> 222); Russian numbers have none, so a
    # letter outside an extension marker means the text is not a phone number.
    return any(character.isalpha() for character in _EXTENSION.sub("", text))

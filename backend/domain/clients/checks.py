"""Field checks of client data. Each returns the cleaned value or raises DomainError naming the field."""

from __future__ import annotations

import re
from datetime import date

from backend.domain.clients.identifiers import validate_inn, validate_kpp, validate_ogrn
from backend.domain.clients.phones import normalize_phone
from backend.domain.errors import DomainError
from backend.i18n import N_

NAME_PART_MAX = 100
ORGANISATION_NAME_MAX = 300
NOTE_MAX = 5000
"""Characters in one note on the card."""
TAG_MAX = 50
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
ENTREPRENEUR_FORM = "ИП"
LEGAL_FORMS = ("ООО", "АО", "ПАО", "ЗАО", "НАО", "ИП", "ТСЖ", "ЖСК", "ТСН", "НКО", "АНО", "ГБУ", "ГУП", "МУП")
"""Legal forms offered in forms; others may be typed."""

# Letters of any alphabet, with hyphens, apostrophes, dots (initials) and spaces between them.
_NAME_PART = re.compile(r"[^\W\d_]+(?:[-'’. ]+[^\W\d_]+)*\.?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")
_TELEGRAM = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
_DATE_RU = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SHARE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def clean(text: str | None) -> str | None:
    """Collapse inner whitespace; an empty text becomes None."""
    if text is None:
        return None
    cleaned = " ".join(str(text).split())
    return cleaned or None


def check_name_part(text: str | None, field: str) -> str | None:
    value = clean(text)
    if value is None:
        return None
    if len(value) > NAME_PART_MAX or not _NAME_PART.fullmatch(value):
        raise DomainError("name_invalid", N_("A name may contain letters, hyphens and apostrophes only, "
                                             "up to {limit} characters."),
                          field=field, value=text, limit=NAME_PART_MAX)
    return value


def check_birth_date(value: str | date | None, today: date) -> date | None:
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, date) else parse_date(value, "birth_date")
    if not EARLIEST_BIRTH_DATE <= parsed <= today:
        raise DomainError("birth_date_out_of_range", N_("The birth date must be between 01.01.1900 and today."),
                          field="birth_date", value=str(value))
    return parsed


def parse_date(text: str, field: str) -> date:
    """Read `04.12.2026` or `2026-12-04`."""
    text = text.strip()
    match = _DATE_RU.fullmatch(text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError("date_invalid", N_("Enter the date as DD.MM.YYYY, for example 04.12.2026."),
                          field=field, value=text) from None


def check_optional_date(value: str | date | None, field: str) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else parse_date(value, field)


def check_organisation_name(text: str | None) -> str:
    value = clean(text)
    if value is None:
        raise DomainError("organisation_name_missing", N_("Enter the organisation's name."),
                          field="organisation_name", value=text)
    if len(value) > ORGANISATION_NAME_MAX:
        raise DomainError("organisation_name_too_long", N_("The name is longer than {limit} characters."),
                          field="organisation_name", value=text, limit=ORGANISATION_NAME_MAX)
    return value


def check_legal_form(text: str | None) -> str | None:
    value = clean(text)
    if value is not None and len(value) > 32:
        raise DomainError("legal_form_too_long", N_("The legal form is longer than {limit} characters."),
                          field="legal_form", value=text, limit=32)
    return value


def check_inn(text: str | None, *, organisation: bool, legal_form: str | None) -> str | None:
    value = clean(text)
    if value is None:
        return None
    if not organisation or legal_form == ENTREPRENEUR_FORM:
        return validate_inn(value, "individual")
    return validate_inn(value, "organization")


def check_kpp(text: str | None, *, organisation: bool, legal_form: str | None) -> str | None:
    value = clean(text)
    if value is None:
        return None
    if not organisation or legal_form == ENTREPRENEUR_FORM:
        raise DomainError("kpp_not_applicable", N_("Only an organisation has a KPP: a person or a sole "
                                                   "proprietor has none."), field="kpp", value=text)
    return validate_kpp(value)


def check_ogrn(text: str | None, *, organisation: bool, legal_form: str | None) -> str | None:
    value = clean(text)
    if value is None:
        return None
    if not organisation:
        raise DomainError("ogrn_not_applicable", N_("A person has no OGRN: choose the organisation kind."),
                          field="ogrn", value=text)
    return validate_ogrn(value, "entrepreneur" if legal_form == ENTREPRENEUR_FORM else "organization")


def check_choice(value: str | None, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise DomainError("choice_invalid", N_("Unknown value. Allowed values: {allowed}."), field=field,
                          value=value, allowed=", ".join(allowed))
    return value


def check_phone(text: str | None) -> str:
    return normalize_phone(text or "")


def check_email(text: str | None) -> str:
    value = (text or "").strip()
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise DomainError("email_invalid", N_("The e-mail address is not valid: expected name@example.ru."),
                          field="email", value=text)
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def check_messenger_handle(kind: str, text: str | None) -> str:
    """Check a handle in the form its messenger uses: a Telegram name, or a phone number for WhatsApp."""
    value = (text or "").strip()
    if kind in ("whatsapp", "viber"):
        return normalize_phone(value)
    if kind == "telegram" and not value.startswith("+"):
        name = value.removeprefix("@").removeprefix("https://t.me/")
        if not _TELEGRAM.fullmatch(name):
            raise DomainError("messenger_handle_invalid", N_("A Telegram user name has 5 to 32 Latin letters, "
                                                             "digits or underscores, such as @ivanov_45."),
                              field="handle", value=text)
        return f"@{name}"
    if kind == "telegram":
        return normalize_phone(value)
    if not value or len(value) > 100:
        raise DomainError("messenger_handle_invalid", N_("Enter the account name or number, up to 100 "
                                                         "characters."), field="handle", value=text)
    return value


def check_note(text: str | None, field: str = "text", limit: int = NOTE_MAX) -> str:
    value = (text or "").strip()
    if not value:
        raise DomainError("note_empty", N_("The text is empty."), field=field, value=text)
    if len(value) > limit:
        raise DomainError("note_too_long", N_("The text is longer than {limit} characters."), field=field,
                          value=value[:50], limit=limit)
    return value


def check_short_text(text: str | None, field: str, limit: int) -> str | None:
    value = clean(text)
    if value is not None and len(value) > limit:
        raise DomainError("text_too_long", N_("The text is longer than {limit} characters."), field=field,
                          value=value[:50], limit=limit)
    return value


def check_tag(text: str | None) -> str:
    value = clean(text)
    if value is None or len(value) > TAG_MAX:
        raise DomainError("tag_invalid", N_("A tag has 1 to {limit} characters."), field="tag", value=text,
                          limit=TAG_MAX)
    return value


def check_share(text: str | None) -> tuple[int, int] | None:
    """Read an owner's share such as `1/2` or `142/584`, kept as written; an empty share means None."""
    if text in (None, ""):
        return None
    match = _SHARE.fullmatch(text)
    if match is None:
        raise DomainError("share_invalid", N_("Enter the share as a fraction, for example 1/2."), field="share",
                          value=text)
    numerator, denominator = (int(part) for part in match.groups())
    if numerator == 0 or denominator == 0 or numerator > denominator:
        raise DomainError("share_out_of_range", N_("A share must be greater than 0 and at most 1, "
                                                   "for example 1/2."), field="share", value=text)
    return numerator, denominator


def check_period(since: date | None, until: date | None) -> None:
    if since is not None and until is not None and until < since:
        raise DomainError("period_inverted", N_("The end date {until} is before the start date {since}."),
                          field="until", value=until.isoformat(), since=since.strftime("%d.%m.%Y"),
                          until=until.strftime("%d.%m.%Y"))

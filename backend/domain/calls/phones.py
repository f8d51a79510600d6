"""Caller ids as people read them."""

from __future__ import annotations

from backend.domain.clients.phones import format_phone
from backend.i18n import gettext


def display_number(number: str | None, e164: str | None) -> str:
    """Return `+7 (912) 345-67-89` for an outside number, the raw caller id for an extension,
    or «номер скрыт» for an anonymous caller."""
    if e164 is not None:
        return format_phone(e164)
    if number:
        return number
    return gettext("hidden number")

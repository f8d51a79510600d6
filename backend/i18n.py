"""Translations through gettext catalogs (Babel). Source strings are English; `ru` is the default.

The catalog is compiled from `locale/<lang>/LC_MESSAGES/messages.po` when its `.mo` is missing
or older, so a fresh checkout needs no separate compile step.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LOCALE = "ru"
DOMAIN = "messages"


def compile_catalog(locale: str) -> Path:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return mo_path


@cache
def translations(locale: str = DEFAULT_LOCALE) -> Translations:
    compile_catalog(locale)
    return Translations.load(str(LOCALE_DIR), [locale], DOMAIN)


def gettext(message: str, **params: object) -> str:
    text = translations().gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, count: int, **params: object) -> str:
    text = translations().ngettext(singular, plural, count)
    return text.format(count=count, **params)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (it is translated when shown)."""
    return message


_ = gettext

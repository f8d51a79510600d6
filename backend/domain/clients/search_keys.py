"""Search keys: the one folding rule shared by the generated columns and the typed query.

A key is lower case, reads ё as е, keeps only digits, Latin and Cyrillic letters, and has single
spaces between words: `Пётр-ИВАНОВ` → `петр иванов`. The database computes keys in generated
columns with the SQL built here, and `search_key` folds what a user types the same way, so a
prefix of one is a prefix of the other.

The SQL avoids locale-dependent functions for Cyrillic: `lower()` leaves Cyrillic unchanged on a
server whose LC_CTYPE is `C`, so upper-case Cyrillic is mapped by `translate()` explicitly.
"""

from __future__ import annotations

import re

from backend.domain.clients.names import fold_text

CYRILLIC_UPPER = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё"
CYRILLIC_LOWER = "абвгдеежзийклмнопрстуфхцчшщъыьэюяе"

_OUTSIDE_KEY = re.compile(r"[^0-9a-zа-я]+")


def search_key(text: str) -> str:
    """Fold typed text into a search key, as the generated columns fold stored names."""
    return " ".join(_OUTSIDE_KEY.sub(" ", fold_text(text)).split())


def fold_sql(*columns: str) -> str:
    """Return the SQL of the search key of varchar `columns` joined by spaces.

    The text is written in the form PostgreSQL 15 prints back for a generated column, casts
    included, because Alembic compares the two to detect drift between models and migrations.
    """
    parts = [f"(COALESCE({column}, ''::character varying))::text" for column in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = f"(({joined} || ' '::text) || {part})"
    return (f"btrim(regexp_replace(translate(lower({joined}), '{CYRILLIC_UPPER}'::text, '{CYRILLIC_LOWER}'::text), "
            f"'[^0-9a-zа-я]+'::text, ' '::text, 'g'::text))")


NAME_KEY_SQL = (f"CASE WHEN ((kind)::text = 'organisation'::text) THEN {fold_sql('organisation_name')} "
                f"ELSE {fold_sql('last_name', 'first_name', 'patronymic')} END")
"""The search key of a client: the organisation's name without its legal form, or the full name."""

NAME_VECTOR_SQL = (f"to_tsvector('simple'::regconfig, "
                   f"{fold_sql('last_name', 'first_name', 'patronymic', 'organisation_name')})")
"""Words of a client's names for matching in any order. The `simple` configuration is chosen
because the `russian` stemmer reduces `Иванова` to `иванов` and so mixes different people."""

PHONE_DIGITS_REVERSED_SQL = "reverse(regexp_replace((e164)::text, '[^0-9]'::text, ''::text, 'g'::text))"
"""The digits of an E.164 number back to front, so `LIKE '7654%'` finds numbers ending in 4567."""

EMAIL_KEY_SQL = "lower((email)::text)"

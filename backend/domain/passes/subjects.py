"""Who or what a pass lets in: a visitor by name, a vehicle by plate, or both."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.domain.clients.names import fold_text
from backend.domain.errors import DomainError
from backend.domain.passes.plates import check_plate

MAX_NAME_LENGTH = 200
MAX_DOCUMENT_LENGTH = 100
MAX_MAKE_LENGTH = 100
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Subject:
    visitor_name: str | None
    visitor_name_key: str | None
    document: str | None
    plate: str | None
    plate_digits: str | None
    vehicle_make: str | None


def check_subject(visitor_name: str | None, plate: str | None, vehicle_make: str | None,
                  document: str | None) -> Subject:
    """Validate and normalize the visitor's name and the plate; at least one of them is required."""
    name = _limited(visitor_name, MAX_NAME_LENGTH, "visitor_name")
    key = fold_text(name) if name else None
    if name is not None and not key:
        raise DomainError("visitor_name_invalid", "Enter the visitor's name in letters.", field="visitor_name",
                          value=visitor_name)
    normalized = check_plate(plate) if (plate or "").strip() else None
    if name is None and normalized is None:
        raise DomainError("pass_subject_missing", "Enter the visitor's name or the vehicle's plate.",
                          field="visitor_name", value=None)
    return Subject(visitor_name=name, visitor_name_key=key,
                   document=_limited(document, MAX_DOCUMENT_LENGTH, "document"),
                   plate=normalized, plate_digits=plate_digits(normalized),
                   vehicle_make=_limited(vehicle_make, MAX_MAKE_LENGTH, "vehicle_make"))


def plate_digits(plate: str | None) -> str | None:
    """Return the first run of digits of a normalized plate: `123` of `А123ВС77`, `1234` of `1234АВ77`.

    Taxi and trailer plates have no letter between the number and the region, so theirs run on:
    `12377` of `АВ12377`.
    """
    if plate is None:
        return None
    found = _DIGITS.search(plate)
    return found.group() if found else None


def _limited(text: str | None, limit: int, field: str) -> str | None:
    cleaned = " ".join((text or "").split()) or None
    if cleaned is not None and len(cleaned) > limit:
        raise DomainError("text_too_long", "Too long: at most {limit} characters.", field=field, value=cleaned,
                          limit=limit)
    return cleaned

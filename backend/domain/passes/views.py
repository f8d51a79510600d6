"""Views of a pass for each reader: guards get the host's premise and name only, staff get the whole record."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Floor, Premise, PremiseKind
from backend.domain.passes.models import Pass
from backend.domain.passes.validity import effective_status
from backend.i18n import N_, gettext

# Premise labels as people say them: «кв. 45», «офис 512, 5 этаж».
PREMISE_LABELS = {
    PremiseKind.FLAT: N_("flat {label}"),
    PremiseKind.APARTMENT: N_("apartment {label}"),
    PremiseKind.OFFICE: N_("office {label}, floor {floor}"),
    PremiseKind.COMMERCIAL: N_("premise {label}"),
    PremiseKind.STORAGE: N_("storage {label}"),
    PremiseKind.PARKING: N_("parking space {label}"),
}
STATUS_TITLES = {
    "expected": N_("expected"),
    "on_site": N_("on site"),
    "left": N_("left"),
    "expired": N_("expired"),
    "cancelled": N_("cancelled"),
}
KIND_TITLES = {"one_time": N_("one-time"), "permanent": N_("permanent")}
DOCUMENT_DIGITS_SHOWN = 4  # trailing characters of a document a guard sees, enough to compare


class GuardPassView(msgspec.Struct, kw_only=True):
    """A pass as a guard sees it: no client ids, phones or full document numbers."""

    id: int
    number: int
    kind: str
    status: str
    """Effective status: `expired` is derived from the window."""
    building_id: int
    entrance_id: int | None
    premise_label: str | None
    host_name: str | None
    visitor_name: str | None
    document_hint: str | None
    """The document's last characters, such as «…3456»."""
    plate: str | None
    vehicle_make: str | None
    note: str | None
    valid_from: datetime
    valid_until: datetime | None


class PassView(GuardPassView, kw_only=True):
    """A pass as the staff who order passes see it."""

    premise_id: int | None
    client_id: int | None
    document: str | None
    source: str
    qr_payload: str
    created_by_id: int | None
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str | None


def status_title(status: str) -> str:
    return gettext(STATUS_TITLES.get(status, status))


def kind_title(kind: str) -> str:
    return gettext(KIND_TITLES.get(kind, kind))


def premise_label(kind: str | None, label: str | None, floor: int | None) -> str | None:
    if label is None:
        return None
    template = PREMISE_LABELS.get(kind or "", N_("premise {label}"))
    return gettext(template, label=label, floor=floor)


def document_hint(document: str | None) -> str | None:
    if not document:
        return None
    characters = "".join(character for character in document if character.isalnum())
    return "…" + characters[-DOCUMENT_DIGITS_SHOWN:]


def qr_payload(number: int, qr_token: str) -> str:
    """Return the QR text: digits and a hyphen only.

    A handheld scanner types like a keyboard, through whatever layout is active. Digits and the
    hyphen are on the same keys in the Russian and the Latin layouts, but letters are not.
    """
    return f"{number}-{qr_token}"


def with_premise(query: Select) -> Select:
    """Add the host premise's label, kind and floor to a query over passes."""
    return (query.add_columns(Premise.label, Premise.kind, Floor.number)
            .outerjoin(Premise, Premise.id == Pass.premise_id)
            .outerjoin(Floor, Floor.id == Premise.floor_id))


async def load_rows(session: AsyncSession, query: Select) -> list[tuple[Pass, str | None]]:
    """Run a `with_premise` query; return each pass with its premise label."""
    rows = (await session.execute(query)).all()
    return [(item, premise_label(kind, label, floor)) for item, label, kind, floor in rows]


async def load_pass_row(session: AsyncSession, pass_id: int) -> tuple[Pass, str | None]:
    (row,) = await load_rows(session, with_premise(select(Pass).where(Pass.id == pass_id)))
    return row


def guard_view(item: Pass, label: str | None, now: datetime) -> GuardPassView:
    return GuardPassView(**guard_fields(item, label, now))


def staff_view(item: Pass, label: str | None, now: datetime) -> PassView:
    return PassView(**guard_fields(item, label, now), premise_id=item.premise_id, client_id=item.client_id,
                    document=item.document, source=item.source, qr_payload=qr_payload(item.number, item.qr_token),
                    created_by_id=item.created_by_id, created_at=item.created_at, cancelled_at=item.cancelled_at,
                    cancel_reason=item.cancel_reason)


def guard_fields(item: Pass, label: str | None, now: datetime) -> dict:
    return dict(id=item.id, number=item.number, kind=item.kind,
                status=effective_status(item.status, item.valid_until, now), building_id=item.building_id,
                entrance_id=item.entrance_id, premise_label=label, host_name=item.host_name,
                visitor_name=item.visitor_name, document_hint=document_hint(item.document), plate=item.plate,
                vehicle_make=item.vehicle_make, note=item.note, valid_from=item.valid_from,
                valid_until=item.valid_until)

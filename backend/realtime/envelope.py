"""The JSON envelope every live event travels in, and replay from the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.staff.access import Principal
from backend.domain.staff.roles import Permission
from backend.realtime.models import OutboxEvent

MAX_REPLAY = 5_000  # events replayed on reconnect; past this the client must reload its state


class Envelope(msgspec.Struct):
    id: int
    """The delivery sequence number (`outbox.seq`): monotonic, gap-free, in commit order."""
    type: str
    at: datetime
    building_id: int | None
    data: dict[str, Any]
    user_id: int | None = None

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "at": self.at, "building_id": self.building_id, "data": self.data}


def envelope_of(event: OutboxEvent) -> Envelope:
    return Envelope(id=event.seq, type=event.type, at=event.at, building_id=event.building_id, data=event.data,
                    user_id=event.user_id)


encode_envelope = msgspec.json.Encoder().encode
decode_envelope = msgspec.json.Decoder(Envelope).decode


# Event type prefix -> permissions, any of which lets a user receive events of that kind; the same
# permissions guard the REST endpoints that show those records. Unknown prefixes reach nobody.
EVENT_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "ticket": frozenset({Permission.TICKETS_VIEW}),
    "pass": frozenset({Permission.PASSES_CHECK, Permission.PASSES_CREATE}),
    "call": frozenset({Permission.CALLS_VIEW}),
    "callback": frozenset({Permission.CALLS_VIEW}),
    "client": frozenset({Permission.PERSONAL_DATA_VIEW}),
    "premise": frozenset({Permission.BUILDINGS_VIEW}),
    "building": frozenset({Permission.BUILDINGS_VIEW}),
    "selection": frozenset({Permission.CLIENTS_EDIT}),
}


def visible_to(envelope: Envelope, principal: Principal, building_ids: set[int] | None) -> bool:
    """Decide whether this connection may receive the event; live delivery and replay share this check."""
    if envelope.user_id is not None:
        return envelope.user_id == principal.user_id
    if not _permitted(envelope, principal):
        return False
    if envelope.building_id is None:
        return True
    if building_ids is not None:
        return envelope.building_id in building_ids
    return principal.all_buildings or envelope.building_id in principal.building_ids


def _permitted(envelope: Envelope, principal: Principal) -> bool:
    needed = EVENT_PERMISSIONS.get(envelope.type.split(".", 1)[0])
    if needed is None or not needed & principal.permissions:
        return False
    if envelope.type.startswith("ticket.") and not principal.permissions & {Permission.TICKETS_MANAGE,
                                                                           Permission.TICKETS_CREATE}:
        return _concerns_technician(envelope.data, principal.user_id)
    return True


def _concerns_technician(data: dict, user_id: int) -> bool:
    """Decide whether a ticket event concerns a technician: assigned to them, or taken away from them."""
    ticket = data.get("ticket") or {}
    return user_id in (ticket.get("assignee_id"), data.get("previous_assignee_id"))


def _replay_filter(principal: Principal, building_ids: set[int] | None) -> ColumnElement[bool]:
    if building_ids is not None:
        buildings = OutboxEvent.building_id.in_(sorted(building_ids)) if building_ids else false()
    elif principal.all_buildings:
        buildings = true()
    else:
        buildings = OutboxEvent.building_id.in_(sorted(principal.building_ids)) if principal.building_ids else false()
    for_everyone = OutboxEvent.building_id.is_(None) & OutboxEvent.user_id.is_(None)
    return or_((buildings & OutboxEvent.user_id.is_(None)), for_everyone, OutboxEvent.user_id == principal.user_id)


async def replay_after(session: AsyncSession, principal: Principal, building_ids: set[int] | None,
                       after: int) -> list[Envelope] | None:
    """Events after `after` that this connection may see, in order; None if there are too many."""
    query = (select(OutboxEvent).where(OutboxEvent.seq > after, _replay_filter(principal, building_ids))
             .order_by(OutboxEvent.seq).limit(MAX_REPLAY + 1))
    events = (await session.scalars(query)).all()
    if len(events) > MAX_REPLAY:
        return None
    envelopes = (envelope_of(event) for event in events)
    return [envelope for envelope in envelopes if visible_to(envelope, principal, building_ids)]


async def latest_seq(session: AsyncSession) -> int:
    return await session.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0)))

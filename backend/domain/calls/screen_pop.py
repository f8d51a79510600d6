"""The screen pop: what the user whose phone rings sees about the caller before picking up.

The pop lists the clients whose phone number is the caller id, each with their current
premises and the open tickets of the client or of those premises. Only what the ringing
user may see goes in: clients need the personal-data permission, and premises and tickets
outside the user's buildings are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import msgspec
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building, Premise
from backend.domain.calls.phones import display_number
from backend.domain.clients.card import list_name
from backend.domain.clients.models import Client, ClientPremise
from backend.domain.staff.access import Principal, has_permission, scope_filter
from backend.domain.staff.roles import Permission
from backend.domain.tickets.models import Status, Ticket
from backend.domain.tickets.places import place_of

MAX_TICKETS_PER_CLIENT = 5
DESCRIPTION_CHARS = 120  # characters of a ticket description shown in the pop


class PopPremise(msgspec.Struct, kw_only=True):
    id: int
    building_id: int
    label: str
    """The premise number alone: `45`, `12А`."""
    address: str
    """«г. Москва, ул. Часовая, д. 19, кв. 45»."""
    role: str


class PopTicket(msgspec.Struct, kw_only=True):
    id: int
    number: int
    status: str
    building_id: int
    address: str
    description: str


class PopClient(msgspec.Struct, kw_only=True):
    id: int
    name: str
    premises: list[PopPremise]
    open_tickets: list[PopTicket]


class Caller(msgspec.Struct, kw_only=True):
    number: str | None
    """As Asterisk sent it."""
    e164: str | None
    display: str
    """`+7 (912) 345-67-89`, the raw number, or «номер скрыт»."""
    name: str | None


class ScreenPop(msgspec.Struct, kw_only=True):
    """Data of the `call.ringing` event."""

    call_id: int
    linkedid: str
    extension: str
    caller: Caller
    queue: str | None
    clients: list[PopClient]
    matched_clients: int
    """Clients matched by the number, including those the user may not see."""


def caller_of(number: str | None, e164: str | None, name: str | None) -> Caller:
    return Caller(number=number, e164=e164, display=display_number(number, e164), name=name)


async def pop_clients(session: AsyncSession, principal: Principal, client_ids: Sequence[int],
                      today: date) -> list[PopClient]:
    """Return the matched clients as `principal` may see them, in the order of `client_ids`."""
    if not client_ids or not has_permission(principal, Permission.PERSONAL_DATA_VIEW):
        return []
    clients = {client.id: client for client in await session.scalars(select(Client).where(Client.id.in_(client_ids)))}
    premises = await _premises(session, principal, client_ids, today)
    tickets = await _open_tickets(session, principal, client_ids, premises)
    return [PopClient(id=client_id, name=list_name(clients[client_id]), premises=premises.get(client_id, []),
                      open_tickets=tickets.get(client_id, []))
            for client_id in client_ids if client_id in clients]


async def _premises(session: AsyncSession, principal: Principal, client_ids: Sequence[int],
                    today: date) -> dict[int, list[PopPremise]]:
    rows = await session.execute(
        select(ClientPremise.client_id, ClientPremise.role, Premise.id, Premise.kind, Premise.label, Building.id,
               Building.address)
        .join(Premise, Premise.id == ClientPremise.premise_id).join(Building, Building.id == Premise.building_id)
        .where(ClientPremise.client_id.in_(client_ids),
               or_(ClientPremise.until.is_(None), ClientPremise.until >= today),
               scope_filter(principal, Premise.building_id))
        .order_by(ClientPremise.client_id, Building.address, Premise.label))
    premises: dict[int, list[PopPremise]] = {}
    for client_id, role, premise_id, kind, label, building_id, address in rows:
        premises.setdefault(client_id, []).append(PopPremise(
            id=premise_id, building_id=building_id, label=label, address=place_of(address, kind, label), role=role))
    return premises


async def _open_tickets(session: AsyncSession, principal: Principal, client_ids: Sequence[int],
                        premises: dict[int, list[PopPremise]]) -> dict[int, list[PopTicket]]:
    """Open tickets of each client, or of a premise the client is related to, newest first."""
    premise_clients: dict[int, list[int]] = {}
    for client_id, items in premises.items():
        for premise in items:
            premise_clients.setdefault(premise.id, []).append(client_id)
    rows = await session.execute(
        select(Ticket.id, Ticket.number, Ticket.status, Ticket.building_id, Ticket.client_id, Ticket.premise_id,
               Ticket.description, Building.address, Premise.kind, Premise.label)
        .join(Building, Building.id == Ticket.building_id).outerjoin(Premise, Premise.id == Ticket.premise_id)
        .where(Ticket.status.in_(Status.OPEN), scope_filter(principal, Ticket.building_id),
               or_(Ticket.client_id.in_(client_ids), Ticket.premise_id.in_(sorted(premise_clients))))
        .order_by(Ticket.created_at.desc()).limit(MAX_TICKETS_PER_CLIENT * len(client_ids)))
    tickets: dict[int, list[PopTicket]] = {}
    for row in rows:
        ticket = PopTicket(id=row.id, number=row.number, status=row.status, building_id=row.building_id,
                           address=place_of(row.address, row.kind, row.label),
                           description=row.description[:DESCRIPTION_CHARS])
        owners = {row.client_id} if row.client_id in client_ids else set()
        owners.update(premise_clients.get(row.premise_id, []))
        for client_id in owners:
            listed = tickets.setdefault(client_id, [])
            if len(listed) < MAX_TICKETS_PER_CLIENT:
                listed.append(ticket)
    return tickets

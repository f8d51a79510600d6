"""What the mobile app reads: a technician's own queue, a building's queue, one ticket's card."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from sqlalchemy import func, nulls_last, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building, Entrance, Floor, Premise
from backend.domain.clients.models import ClientPhone
from backend.domain.staff.access import Principal, check_building_scope, has_permission, scope_filter
from backend.domain.staff.roles import Permission
from backend.domain.tickets.acceptance import accepted_clause, is_accepted
from backend.domain.tickets.access import access_ticket
from backend.domain.tickets.attachments import AttachmentView, ticket_attachments
from backend.domain.tickets.detail import TicketDetail, ticket_detail
from backend.domain.tickets.models import Priority, Status, Ticket
from backend.domain.tickets.places import premise_name
from backend.domain.tickets.rows import TicketRow, row_query, to_row

QUEUE_LIMIT = 200  # tickets on one screen; a technician rarely has more than a few dozen open


class QueueItem(msgspec.Struct):
    row: TicketRow
    premise: str | None
    """«кв. 45», «офис 512»."""
    accepted: bool


class TicketCard(msgspec.Struct):
    detail: TicketDetail
    premise: str | None
    floor_number: int | None
    entrance_number: int | None
    phone: str | None
    """E.164 to call: the ticket's contact phone, else the client's first phone; None without access."""
    latitude: Decimal | None
    longitude: Decimal | None
    accepted: bool
    attachments: list[AttachmentView]
    can_act: bool
    """The user may work on this ticket: its assignee, or a role that manages tickets."""


def works_own_tickets(principal: Principal) -> bool:
    """Technicians see their own tickets; managers and dispatchers see their buildings' queues."""
    return has_permission(principal, Permission.TICKETS_WORK) and not has_permission(principal,
                                                                                       Permission.TICKETS_MANAGE)


async def ticket_queue(session: AsyncSession, principal: Principal, building_id: int | None = None) -> list[QueueItem]:
    """Open tickets, most urgent first, then by resolution deadline: the user's own, or a building's queue."""
    query = (row_query().add_columns(Premise.kind, accepted_clause())
             .where(Ticket.status.in_(Status.OPEN), scope_filter(principal, Ticket.building_id))
             .order_by(func.array_position(list(Priority.ALL), Ticket.priority),
                       nulls_last(Ticket.resolution_due_at.asc()), Ticket.created_at)
             .limit(QUEUE_LIMIT))
    if works_own_tickets(principal):
        query = query.where(Ticket.assignee_id == principal.user_id)
    if building_id is not None:
        check_building_scope(principal, building_id)
        query = query.where(Ticket.building_id == building_id)
    now = utcnow()
    items = []
    for record in (await session.execute(query)).all():
        row = to_row(record, now)
        items.append(QueueItem(row=row, premise=premise_name(record[-2], row.premise_label), accepted=record[-1]))
    return items


async def visible_buildings(session: AsyncSession, principal: Principal) -> list[tuple[int, str]]:
    query = select(Building.id, Building.address).where(scope_filter(principal, Building.id)).order_by(Building.address)
    return [(building_id, address) for building_id, address in (await session.execute(query)).all()]


async def _first_client_phone(session: AsyncSession, client_id: int | None) -> str | None:
    if client_id is None:
        return None
    return await session.scalar(select(ClientPhone.e164).where(ClientPhone.client_id == client_id)
                                .order_by(ClientPhone.id).limit(1))


async def _place(session: AsyncSession, ticket: Ticket) -> tuple[str | None, int | None, int | None]:
    """Return the premise name, floor and entrance numbers of a ticket."""
    if ticket.premise_id is not None:
        record = (await session.execute(select(Premise.kind, Premise.label, Floor.number, Entrance.number)
                                        .join(Floor, Floor.id == Premise.floor_id)
                                        .join(Entrance, Entrance.id == Floor.entrance_id)
                                        .where(Premise.id == ticket.premise_id))).one()
        return premise_name(record[0], record[1]), record[2], record[3]
    if ticket.entrance_id is not None:
        return None, None, await session.scalar(select(Entrance.number).where(Entrance.id == ticket.entrance_id))
    return None, None, None


async def ticket_card(session: AsyncSession, principal: Principal, ticket_id: int) -> TicketCard:
    detail = await ticket_detail(session, principal, ticket_id)
    ticket = await access_ticket(session, principal, ticket_id)
    building = await session.get(Building, ticket.building_id)
    premise, floor_number, entrance_number = await _place(session, ticket)
    phone = None
    if detail.contact is not None:
        phone = detail.contact.contact_phone or await _first_client_phone(session, detail.contact.client_id)
    return TicketCard(detail=detail, premise=premise, floor_number=floor_number, entrance_number=entrance_number,
                      phone=phone, latitude=building.latitude, longitude=building.longitude,
                      accepted=await is_accepted(session, ticket.id),
                      attachments=await ticket_attachments(session, principal, ticket.id),
                      can_act=ticket.assignee_id == principal.user_id
                      or has_permission(principal, Permission.TICKETS_MANAGE))

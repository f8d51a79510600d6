"""The ticket row: what boards, lists and live events show of a ticket (no personal data)."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from backend.db.base import utcnow
from backend.domain.buildings.models import Building, Entrance, Floor, Premise
from backend.domain.staff.models import User
from backend.domain.tickets.deadlines import is_overdue
from backend.domain.tickets.models import ServiceCategory, Ticket

DESCRIPTION_PREVIEW = 160  # characters of the description carried in rows and events


class TicketRow(msgspec.Struct):
    id: int
    number: int
    building_id: int
    building_address: str
    building_time_zone: str
    entrance_number: int | None
    premise_id: int | None
    premise_label: str | None
    client_id: int | None
    channel: str
    category_id: int
    category_name: str
    priority: str
    status: str
    description: str
    assignee_id: int | None
    assignee_name: str | None
    responsible_id: int | None
    parent_id: int | None
    created_at: datetime
    updated_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    hold_until: datetime | None
    is_overdue: bool
    version: int


Assignee = aliased(User)
PremiseEntrance = aliased(Entrance)


def row_query() -> Select:
    return (select(Ticket, Building.address, Building.time_zone, ServiceCategory.name, Premise.label, PremiseEntrance.number,
                   Assignee.full_name)
            .join(Building, Building.id == Ticket.building_id)
            .join(ServiceCategory, ServiceCategory.id == Ticket.category_id)
            .outerjoin(Premise, Premise.id == Ticket.premise_id)
            .outerjoin(Floor, Floor.id == Premise.floor_id)
            .outerjoin(PremiseEntrance, PremiseEntrance.id == Floor.entrance_id)
            .outerjoin(Assignee, Assignee.id == Ticket.assignee_id))


def to_row(record, now: datetime | None = None) -> TicketRow:
    ticket, address, time_zone, category_name, premise_label, entrance_number, assignee_name = record
    description = ticket.description
    if len(description) > DESCRIPTION_PREVIEW:
        description = description[:DESCRIPTION_PREVIEW - 1] + "…"
    return TicketRow(
        id=ticket.id, number=ticket.number, building_id=ticket.building_id, building_address=address, building_time_zone=time_zone,
        entrance_number=entrance_number, premise_id=ticket.premise_id, premise_label=premise_label,
        client_id=ticket.client_id, channel=ticket.channel, category_id=ticket.category_id,
        category_name=category_name, priority=ticket.priority, status=ticket.status, description=description,
        assignee_id=ticket.assignee_id, assignee_name=assignee_name, responsible_id=ticket.responsible_id,
        parent_id=ticket.parent_id, created_at=ticket.created_at, updated_at=ticket.updated_at,
        response_due_at=ticket.response_due_at, resolution_due_at=ticket.resolution_due_at,
        hold_until=ticket.hold_until, is_overdue=is_overdue(ticket, now or utcnow()), version=ticket.version)


async def load_row(session: AsyncSession, ticket_id: int) -> TicketRow:
    record = (await session.execute(row_query().where(Ticket.id == ticket_id))).one()
    return to_row(record)

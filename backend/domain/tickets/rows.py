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

# Plain columns instead of the Ticket entity: building hundreds of rows skips ORM identity tracking.
ROW_COLUMNS = (
    Ticket.id, Ticket.number, Ticket.building_id, Building.address.label("building_address"),
    Building.time_zone.label("building_time_zone"), PremiseEntrance.number.label("entrance_number"),
    Ticket.premise_id, Premise.label.label("premise_label"), Ticket.client_id, Ticket.channel, Ticket.category_id,
    ServiceCategory.name.label("category_name"), Ticket.priority, Ticket.status, Ticket.description,
    Ticket.assignee_id, Assignee.full_name.label("assignee_name"), Ticket.responsible_id, Ticket.parent_id,
    Ticket.created_at, Ticket.updated_at, Ticket.response_due_at, Ticket.resolution_due_at, Ticket.hold_until,
    Ticket.version, Ticket.responded_at,
)


def row_query() -> Select:
    return (select(*ROW_COLUMNS)
            .join(Building, Building.id == Ticket.building_id)
            .join(ServiceCategory, ServiceCategory.id == Ticket.category_id)
            .outerjoin(Premise, Premise.id == Ticket.premise_id)
            .outerjoin(Floor, Floor.id == Premise.floor_id)
            .outerjoin(PremiseEntrance, PremiseEntrance.id == Floor.entrance_id)
            .outerjoin(Assignee, Assignee.id == Ticket.assignee_id))


ROW_FIELDS = tuple(column.key for column in ROW_COLUMNS if column.key != "responded_at")


def to_row(record, now: datetime | None = None) -> TicketRow:
    """Build a row from a result of `row_query()`; extra columns added to that query are ignored."""
    mapping = record._mapping
    fields = {name: mapping[name] for name in ROW_FIELDS}
    responded_at = mapping["responded_at"]
    description = fields["description"]
    if len(description) > DESCRIPTION_PREVIEW:
        fields["description"] = description[:DESCRIPTION_PREVIEW - 1] + "…"
    overdue = _is_overdue(fields["status"], responded_at, fields["response_due_at"], fields["resolution_due_at"],
                          now or utcnow())
    return TicketRow(**fields, is_overdue=overdue)


def _is_overdue(status: str, responded_at, response_due_at, resolution_due_at, now: datetime) -> bool:
    """Open and past a deadline; a ticket on hold is never overdue because its clocks are stopped."""
    if status not in ("new", "assigned", "in_progress"):
        return False
    response_late = responded_at is None and response_due_at is not None and response_due_at < now
    return response_late or (resolution_due_at is not None and resolution_due_at < now)


async def load_row(session: AsyncSession, ticket_id: int) -> TicketRow:
    record = (await session.execute(row_query().where(Ticket.id == ticket_id))).one()
    return to_row(record)

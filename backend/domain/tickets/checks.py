"""Validation of ticket input: every failure names the field and the value."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building, Entrance, Floor, Premise
from backend.domain.clients.models import Client
from backend.domain.clients.phones import normalize_phone
from backend.domain.errors import DomainError
from backend.domain.staff.models import User, UserBuilding
from backend.domain.staff.roles import Role
from backend.domain.tickets.models import Channel, Priority, ServiceCategory, Status, Ticket

if TYPE_CHECKING:
    from backend.domain.tickets.actions import NewTicket, TicketChange

MAX_DESCRIPTION = 5_000  # characters
MAX_COMMENT = 5_000  # characters
MAX_REASON = 300  # characters, the column size
MAX_CONTACT_NAME = 200  # characters, the column size
MAX_HOLD = timedelta(days=366)  # longer holds are typos; far dates also overflow time-zone arithmetic


def check_description(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("description_missing", "Describe the problem.", field="description", value=text)
    if len(text) > MAX_DESCRIPTION:
        raise DomainError("description_too_long", "The description is longer than {limit} characters.",
                          field="description", value=len(text), limit=MAX_DESCRIPTION)
    return text


def check_contact_name(name: str | None) -> str | None:
    name = (name or "").strip()
    if len(name) > MAX_CONTACT_NAME:
        raise DomainError("contact_name_too_long", "The contact name is longer than {limit} characters.",
                          field="contact_name", value=len(name), limit=MAX_CONTACT_NAME)
    return name or None


def check_priority(priority: str) -> str:
    if priority not in Priority.ALL:
        raise DomainError("priority_invalid", "Unknown priority: {priority}.", field="priority", value=priority,
                          priority=priority)
    return priority


def check_channel(channel: str) -> str:
    if channel not in Channel.ALL:
        raise DomainError("channel_invalid", "Unknown channel: {channel}.", field="channel", value=channel,
                          channel=channel)
    return channel


async def check_category(session: AsyncSession, category_id: int) -> ServiceCategory:
    category = await session.get(ServiceCategory, category_id)
    if category is None or not category.is_active:
        raise DomainError("category_invalid", "Unknown service category.", field="category_id", value=category_id)
    return category


async def check_premise(session: AsyncSession, building: Building, premise_id: int) -> tuple[Premise, int]:
    """Return the premise and its entrance id; the premise must belong to the building."""
    row = (await session.execute(select(Premise, Floor.entrance_id).join(Floor, Floor.id == Premise.floor_id)
                                 .where(Premise.id == premise_id))).first()
    if row is None or row[0].building_id != building.id:
        raise DomainError("premise_invalid", "The premise is not in this building.", field="premise_id",
                          value=premise_id)
    return row[0], row[1]


async def check_entrance(session: AsyncSession, building: Building, entrance_id: int) -> int:
    entrance = await session.get(Entrance, entrance_id)
    if entrance is None or entrance.building_id != building.id:
        raise DomainError("entrance_invalid", "The entrance is not in this building.", field="entrance_id",
                          value=entrance_id)
    return entrance_id


async def check_client(session: AsyncSession, client_id: int) -> int:
    if await session.get(Client, client_id) is None:
        raise DomainError("client_invalid", "Client not found.", field="client_id", value=client_id)
    return client_id


async def check_assignee(session: AsyncSession, user_id: int, building_id: int) -> User:
    """The assignee must be an active technician whose scope includes the building."""
    user = await session.get(User, user_id)
    if user is None or not user.is_active or user.role != Role.TECHNICIAN:
        raise DomainError("assignee_invalid", "Pick an active technician.", field="assignee_id", value=user_id)
    in_scope = user.all_buildings or await session.get(UserBuilding, (user_id, building_id)) is not None
    if not in_scope:
        raise DomainError("assignee_out_of_scope", "{name} does not serve this building.", field="assignee_id",
                          value=user_id, name=user.full_name)
    return user


async def check_parent(session: AsyncSession, building_id: int, parent_id: int, own_id: int | None = None) -> int:
    parent = await session.get(Ticket, parent_id)
    if parent is None or parent.building_id != building_id or parent.id == own_id:
        raise DomainError("parent_invalid", "The incident must be another ticket of the same building.",
                          field="parent_id", value=parent_id)
    return parent_id


async def check_new_ticket(session: AsyncSession, building: Building, data: NewTicket) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "building_id": building.id, "description": check_description(data.description),
        "priority": check_priority(data.priority), "channel": check_channel(data.channel),
        "category_id": (await check_category(session, data.category_id)).id,
        "contact_name": check_contact_name(data.contact_name),
        "contact_phone": normalize_phone(data.contact_phone) if data.contact_phone else None,
        "call_id": data.call_id, "entrance_id": None, "premise_id": None, "client_id": None,
        "assignee_id": None, "parent_id": None,
    }
    if data.premise_id is not None:
        premise, entrance_id = await check_premise(session, building, data.premise_id)
        fields.update(premise_id=premise.id, entrance_id=entrance_id)
    elif data.entrance_id is not None:
        fields["entrance_id"] = await check_entrance(session, building, data.entrance_id)
    if data.client_id is not None:
        fields["client_id"] = await check_client(session, data.client_id)
    if data.assignee_id is not None:
        fields["assignee_id"] = (await check_assignee(session, data.assignee_id, building.id)).id
    if data.parent_id is not None:
        fields["parent_id"] = await check_parent(session, building.id, data.parent_id)
    return fields


def check_transition_fields(target: str, reason: str | None, hold_until: datetime | None) -> None:
    if target in (Status.ON_HOLD, Status.CANCELLED) and not (reason or "").strip():
        raise DomainError("reason_missing", "Give a reason.", field="reason", value=reason)
    if reason and len(reason) > MAX_REASON:
        raise DomainError("reason_too_long", "The reason is longer than {limit} characters.", field="reason",
                          value=len(reason), limit=MAX_REASON)
    if target == Status.ON_HOLD:
        if hold_until is None:
            raise DomainError("hold_until_missing", "Say until when the ticket is on hold.", field="hold_until",
                              value=None)
        if hold_until.tzinfo is None or hold_until <= utcnow():
            raise DomainError("hold_until_invalid", "The hold must end in the future.", field="hold_until",
                              value=hold_until.isoformat())
        if hold_until > utcnow() + MAX_HOLD:
            raise DomainError("hold_until_too_far", "A ticket can be put on hold for at most {days} days.",
                              field="hold_until", value=hold_until.isoformat(), days=MAX_HOLD.days)


async def check_change(session: AsyncSession, ticket: Ticket, change: TicketChange) -> dict[str, Any]:
    """Return the fields that really change, validated."""
    changes: dict[str, Any] = {}
    if change.priority is not None:
        changes["priority"] = check_priority(change.priority)
    if change.category_id is not None:
        changes["category_id"] = (await check_category(session, change.category_id)).id
    if change.description is not None:
        changes["description"] = check_description(change.description)
    if change.responsible_id is not None:
        changes["responsible_id"] = change.responsible_id
    if change.parent_id is not None:
        changes["parent_id"] = await check_parent(session, ticket.building_id, change.parent_id, ticket.id)
    return {field: value for field, value in changes.items() if getattr(ticket, field) != value}


def check_comment(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("comment_missing", "The comment is empty.", field="text", value=text)
    if len(text) > MAX_COMMENT:
        raise DomainError("comment_too_long", "The comment is longer than {limit} characters.", field="text",
                          value=len(text), limit=MAX_COMMENT)
    return text


def check_rating(rating: int) -> int:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("rating_invalid", "The rating must be from 1 to 5.", field="rating", value=rating)
    return rating

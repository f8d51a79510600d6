"""A ticket with its timeline and, for roles allowed to see it, the contact's personal data."""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.clients.models import Client
from backend.domain.staff.access import Principal
from backend.domain.tickets.access import access_ticket, may_see_contact
from backend.domain.tickets.queries import TimelineItem, timeline
from backend.domain.tickets.rows import TicketRow, load_row


class TicketContact(msgspec.Struct):
    client_id: int | None
    client_name: str | None
    contact_name: str | None
    contact_phone: str | None


class TicketDetail(msgspec.Struct):
    ticket: TicketRow
    description: str
    contact: TicketContact | None
    """None when the caller's role may not see personal data."""
    hold_reason: str | None
    cancel_reason: str | None
    rating: int | None
    call_id: int | None
    timeline: list[TimelineItem]


async def ticket_detail(session: AsyncSession, principal: Principal, ticket_id: int) -> TicketDetail:
    ticket = await access_ticket(session, principal, ticket_id)
    contact = None
    if may_see_contact(principal, ticket):
        client = await session.get(Client, ticket.client_id) if ticket.client_id else None
        contact = TicketContact(client_id=ticket.client_id, client_name=client.display_name if client else None,
                                contact_name=ticket.contact_name, contact_phone=ticket.contact_phone)
    return TicketDetail(ticket=await load_row(session, ticket.id), description=ticket.description, contact=contact,
                        hold_reason=ticket.hold_reason, cancel_reason=ticket.cancel_reason, rating=ticket.rating,
                        call_id=ticket.call_id, timeline=await timeline(session, ticket.id))

"""A technician accepting an assigned ticket («Принять»): the dispatcher sees that the assignment reached them.

Acceptance is a timeline entry, not a status: the ticket stays ASSIGNED until work starts. An
acceptance counts for the current assignment only, so one older than the latest assignment is void.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.errors import Conflict
from backend.domain.staff.access import Principal
from backend.domain.staff.roles import Permission
from backend.domain.tickets.access import access_ticket
from backend.domain.tickets.actions import add_timeline, emit_ticket
from backend.domain.tickets.idempotency import ACCEPT, run_once
from backend.domain.tickets.models import Status, Ticket, TimelineEntry

ACCEPTED = "accepted"
"""The timeline kind of an acceptance."""


def _latest(kind: str) -> ColumnElement:
    return (select(func.max(TimelineEntry.at)).where(TimelineEntry.ticket_id == Ticket.id, TimelineEntry.kind == kind)
            .correlate(Ticket).scalar_subquery())


def accepted_clause() -> ColumnElement[bool]:
    """SQL: the ticket's current assignment was accepted (an acceptance at or after the latest assignment)."""
    accepted_at = _latest(ACCEPTED)
    assigned_at = _latest("assigned")
    return and_(accepted_at.is_not(None), (assigned_at.is_(None)) | (accepted_at >= assigned_at))


async def is_accepted(session: AsyncSession, ticket_id: int) -> bool:
    return bool(await session.scalar(select(accepted_clause()).select_from(Ticket).where(Ticket.id == ticket_id)))


async def do_accept(session: AsyncSession, principal: Principal, ticket_id: int) -> Ticket:
    """Record that the assignee accepted the ticket; accepting twice changes nothing."""
    ticket = await access_ticket(session, principal, ticket_id, Permission.TICKETS_WORK, for_update=True)
    if ticket.assignee_id != principal.user_id:
        raise Conflict("ticket_not_assigned_to_you", "Ticket №{number} is assigned to someone else.",
                       field="assignee_id", value=ticket.assignee_id, number=ticket.number)
    if ticket.status != Status.ASSIGNED:
        raise Conflict("ticket_not_awaiting_acceptance", "Ticket №{number} is not waiting to be accepted.",
                       field="status", value=ticket.status, number=ticket.number)
    if await is_accepted(session, ticket.id):
        return ticket
    add_timeline(session, ticket, principal.user_id, ACCEPTED, to_value=principal.user_id)
    ticket.updated_at = utcnow()
    await emit_ticket(session, ticket, "ticket.updated", fields=[ACCEPTED])
    return ticket


async def do_accept_once(session: AsyncSession, principal: Principal, ticket_id: int, *,
                         key: str | None) -> tuple[Ticket, bool]:
    return await run_once(session, principal, key, ACCEPT, ticket_id,
                          lambda: do_accept(session, principal, ticket_id))

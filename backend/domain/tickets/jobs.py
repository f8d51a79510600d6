"""Scheduled ticket work: flag deadline breaches, close completed tickets after the waiting period."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.tickets.actions import add_timeline, emit_ticket
from backend.domain.tickets.models import Status, Ticket
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)

BATCH = 200  # tickets handled per run; the next run takes the rest


async def do_flag_breaches(session: AsyncSession, now: datetime) -> int:
    """Mark newly overdue tickets, tell their responsible person, and update every board."""
    running = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)
    response_late = and_(Ticket.responded_at.is_(None), Ticket.response_due_at < now,
                         Ticket.response_breached_at.is_(None))
    resolution_late = and_(Ticket.resolution_due_at < now, Ticket.resolution_breached_at.is_(None))
    tickets = (await session.scalars(select(Ticket).where(Ticket.status.in_(running), or_(response_late, resolution_late))
                                     .order_by(Ticket.id).limit(BATCH).with_for_update(skip_locked=True))).all()
    for ticket in tickets:
        deadline = _breach(ticket, now)
        add_timeline(session, ticket, None, "breached", to_value=deadline)
        await emit_ticket(session, ticket, "ticket.breached", deadline=deadline)
        if ticket.responsible_id:
            emit(session, "notification.breached", {"ticket_id": ticket.id, "number": ticket.number,
                                                    "deadline": deadline}, user_id=ticket.responsible_id)
        log.info("ticket_deadline_breached", ticket_id=ticket.id, deadline=deadline)
    return len(tickets)


def _breach(ticket: Ticket, now: datetime) -> str:
    if ticket.responded_at is None and ticket.response_due_at and ticket.response_due_at < now \
            and ticket.response_breached_at is None:
        ticket.response_breached_at = now
        if ticket.resolution_due_at and ticket.resolution_due_at < now:
            ticket.resolution_breached_at = now
            return "resolution"
        return "response"
    ticket.resolution_breached_at = now
    return "resolution"


async def do_close_completed(session: AsyncSession, now: datetime, after_days: int) -> int:
    """Close tickets completed more than `after_days` days ago that the client did not confirm."""
    cutoff = now - timedelta(days=after_days)
    tickets = (await session.scalars(select(Ticket).where(Ticket.status == Status.COMPLETED, Ticket.completed_at < cutoff)
                                     .order_by(Ticket.id).limit(BATCH).with_for_update(skip_locked=True))).all()
    for ticket in tickets:
        ticket.status = Status.CLOSED
        ticket.closed_at = now
        add_timeline(session, ticket, None, "status_changed", Status.COMPLETED, Status.CLOSED,
                     reason="auto", after_days=after_days)
        await emit_ticket(session, ticket, "ticket.status_changed", from_status=Status.COMPLETED)
    return len(tickets)

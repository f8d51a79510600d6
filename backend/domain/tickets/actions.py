"""Ticket use cases. Each writes the ticket, its timeline and its outbox events in one transaction;
the caller commits."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building
from backend.domain.errors import Conflict
from backend.domain.staff.access import Principal, access_building, check_permission
from backend.domain.staff.roles import Permission
from backend.domain.tickets import checks
from backend.domain.tickets.access import access_ticket
from backend.domain.tickets.deadlines import set_deadlines, shift_deadlines_after_hold
from backend.domain.tickets.models import IdempotencyKey, Status, Ticket, TicketObserver, TimelineEntry
from backend.domain.tickets.rows import load_row
from backend.domain.tickets.transitions import check_transition, is_reopen
from backend.realtime.outbox import emit

log = structlog.get_logger(__name__)


class NewTicket(msgspec.Struct, kw_only=True):
    building_id: int
    category_id: int
    description: str
    priority: str = "normal"
    channel: str = "phone"
    premise_id: int | None = None
    entrance_id: int | None = None
    client_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    assignee_id: int | None = None
    responsible_id: int | None = None
    parent_id: int | None = None
    call_id: int | None = None
    observer_ids: list[int] = []


class TicketChange(msgspec.Struct, kw_only=True):
    """Edits of a ticket's fields. `version` is the version the editor saw; an older one is a conflict."""

    version: int
    priority: str | None = None
    category_id: int | None = None
    description: str | None = None
    responsible_id: int | None = None
    parent_id: int | None = None


def add_timeline(session: AsyncSession, ticket: Ticket, actor_id: int | None, kind: str,
                 from_value: Any = None, to_value: Any = None, **details: Any) -> None:
    session.add(TimelineEntry(ticket_id=ticket.id, actor_id=actor_id, kind=kind,
                              from_value=None if from_value is None else str(from_value),
                              to_value=None if to_value is None else str(to_value), details=details))


async def emit_ticket(session: AsyncSession, ticket: Ticket, event_type: str, **extra: Any) -> None:
    await session.flush()
    row = msgspec.to_builtins(await load_row(session, ticket.id))
    emit(session, event_type, {"ticket": row, **extra}, building_id=ticket.building_id)


async def find_by_idempotency_key(session: AsyncSession, principal: Principal, key: str) -> Ticket | None:
    record = await session.get(IdempotencyKey, (principal.user_id, key))
    return None if record is None else await session.get(Ticket, record.object_id)


async def do_create_ticket(session: AsyncSession, principal: Principal, data: NewTicket,
                           idempotency_key: str | None = None) -> tuple[Ticket, bool]:
    """Create a ticket; return it and whether it is new (False: a repeat of `idempotency_key`)."""
    check_permission(principal, Permission.TICKETS_CREATE)
    request_hash = hashlib.sha256(msgspec.json.encode(data)).hexdigest()
    if idempotency_key and (existing := await _repeat_of(session, principal, idempotency_key, request_hash)):
        return existing, False
    building = await access_building(session, principal, data.building_id)
    ticket = await _new_ticket(session, principal, building, data)
    if idempotency_key and not await _claim_key(session, principal, idempotency_key, ticket.id, request_hash):
        await session.rollback()
        return await _repeat_of(session, principal, idempotency_key, request_hash), False
    add_timeline(session, ticket, principal.user_id, "created", to_value=ticket.status, channel=ticket.channel,
                 priority=ticket.priority)
    if ticket.assignee_id:
        add_timeline(session, ticket, principal.user_id, "assigned", to_value=ticket.assignee_id)
        emit(session, "notification.assigned", {"ticket_id": ticket.id, "number": ticket.number},
             user_id=ticket.assignee_id)
    await emit_ticket(session, ticket, "ticket.created")
    log.info("ticket_created", ticket_id=ticket.id, building_id=ticket.building_id, priority=ticket.priority)
    return ticket, True


async def _new_ticket(session: AsyncSession, principal: Principal, building: Building, data: NewTicket) -> Ticket:
    fields = await checks.check_new_ticket(session, building, data)
    ticket = Ticket(**fields, created_by_id=principal.user_id,
                    responsible_id=data.responsible_id or principal.user_id,
                    status=Status.ASSIGNED if data.assignee_id else Status.NEW,
                    observers=[TicketObserver(user_id=user_id) for user_id in sorted(set(data.observer_ids))])
    now = utcnow()
    if ticket.assignee_id:
        ticket.responded_at = now
    session.add(ticket)
    await set_deadlines(session, ticket, building, now)
    await session.flush()
    return ticket


async def _repeat_of(session: AsyncSession, principal: Principal, key: str, request_hash: str) -> Ticket | None:
    """The ticket an earlier request with this key created; a different body under the key is a conflict."""
    record = await session.get(IdempotencyKey, (principal.user_id, key))
    if record is None:
        return None
    if record.scope != "ticket" or (record.request_hash and record.request_hash != request_hash):
        raise Conflict("idempotency_key_reused", "This Idempotency-Key was already used for a different request. "
                       "Send a new key for a new ticket.", field="Idempotency-Key", value=key[:50])
    return await session.get(Ticket, record.object_id)


async def _claim_key(session: AsyncSession, principal: Principal, key: str, ticket_id: int, request_hash: str) -> bool:
    """Record the key; False if a concurrent request with the same key committed first."""
    claimed = await session.execute(insert(IdempotencyKey).values(user_id=principal.user_id, key=key,
                                                                   scope="ticket", object_id=ticket_id,
                                                                   request_hash=request_hash)
                                    .on_conflict_do_nothing().returning(IdempotencyKey.key))
    return claimed.first() is not None


def check_version(ticket: Ticket, version: int | None) -> None:
    if version is not None and version != ticket.version:
        raise Conflict("ticket_version_conflict", "Ticket №{number} was changed by someone else. Reload it and "
                       "repeat your change.", field="version", value=version, number=ticket.number)


async def do_transition(session: AsyncSession, principal: Principal, ticket_id: int, target: str, *,
                        version: int | None = None, reason: str | None = None,
                        hold_until: datetime | None = None, report: str | None = None) -> Ticket:
    permission = Permission.TICKETS_WORK if target in (Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED) \
        else Permission.TICKETS_MANAGE
    ticket = await access_ticket(session, principal, ticket_id, permission, for_update=True)
    check_version(ticket, version)
    check_transition(ticket.status, target)
    checks.check_transition_fields(target, reason, hold_until)
    building = await session.get(Building, ticket.building_id)
    previous = ticket.status
    _apply_status(ticket, building, target, reason, hold_until, utcnow())
    add_timeline(session, ticket, principal.user_id, "reopened" if is_reopen(previous, target) else "status_changed",
                 previous, target, reason=reason, report=report,
                 hold_until=hold_until.isoformat() if hold_until else None)
    await emit_ticket(session, ticket, "ticket.status_changed", from_status=previous)
    return ticket


def _apply_status(ticket: Ticket, building: Building, target: str, reason: str | None,
                  hold_until: datetime | None, now: datetime) -> None:
    if ticket.status == Status.ON_HOLD and ticket.hold_started_at is not None:
        ticket.paused_minutes += shift_deadlines_after_hold(ticket, building, ticket.hold_started_at, now)
        ticket.hold_started_at = ticket.hold_until = ticket.hold_reason = None
    if target == Status.ON_HOLD:
        ticket.hold_started_at, ticket.hold_until, ticket.hold_reason = now, hold_until, reason
    if target in (Status.ASSIGNED, Status.IN_PROGRESS) and ticket.responded_at is None:
        ticket.responded_at = now
    if target == Status.COMPLETED:
        ticket.completed_at = now
    if target == Status.CLOSED:
        ticket.closed_at = now
    if target == Status.CANCELLED:
        ticket.cancel_reason = reason
    if target == Status.IN_PROGRESS and ticket.status in (Status.COMPLETED, Status.CLOSED):
        ticket.completed_at = ticket.closed_at = None
        ticket.resolution_breached_at = None
    ticket.status = target


async def do_assign(session: AsyncSession, principal: Principal, ticket_id: int, assignee_id: int | None, *,
                    version: int | None = None) -> Ticket:
    ticket = await access_ticket(session, principal, ticket_id, Permission.TICKETS_MANAGE, for_update=True)
    check_version(ticket, version)
    if ticket.status not in Status.OPEN:
        raise Conflict("ticket_not_open", "Only an open ticket can be assigned.", field="status",
                       value=ticket.status)
    if assignee_id is not None:
        await checks.check_assignee(session, assignee_id, ticket.building_id)
    previous = ticket.assignee_id
    ticket.assignee_id = assignee_id
    if assignee_id and ticket.status == Status.NEW:
        ticket.status = Status.ASSIGNED
        ticket.responded_at = ticket.responded_at or utcnow()
    elif assignee_id is None and ticket.status == Status.ASSIGNED:
        ticket.status = Status.NEW
    add_timeline(session, ticket, principal.user_id, "assigned", previous, assignee_id)
    await emit_ticket(session, ticket, "ticket.assigned", previous_assignee_id=previous)
    if assignee_id:
        emit(session, "notification.assigned", {"ticket_id": ticket.id, "number": ticket.number},
             user_id=assignee_id)
    return ticket


async def do_update_ticket(session: AsyncSession, principal: Principal, ticket_id: int,
                           change: TicketChange) -> Ticket:
    ticket = await access_ticket(session, principal, ticket_id, Permission.TICKETS_MANAGE, for_update=True)
    check_version(ticket, change.version)
    changes = await checks.check_change(session, ticket, change)
    for field, value in changes.items():
        add_timeline(session, ticket, principal.user_id, f"{field}_changed", getattr(ticket, field), value)
        setattr(ticket, field, value)
    if "priority" in changes or "category_id" in changes:
        building = await session.get(Building, ticket.building_id)
        await set_deadlines(session, ticket, building, ticket.created_at)
    if changes:
        await emit_ticket(session, ticket, "ticket.updated", fields=sorted(changes))
    return ticket


async def do_comment(session: AsyncSession, principal: Principal, ticket_id: int, text: str, *,
                     visible_to_client: bool = False) -> Ticket:
    ticket = await access_ticket(session, principal, ticket_id, Permission.TICKETS_WORK)
    text = checks.check_comment(text)
    add_timeline(session, ticket, principal.user_id, "comment", text=text, visible_to_client=visible_to_client)
    ticket.updated_at = utcnow()
    await emit_ticket(session, ticket, "ticket.commented")
    return ticket


async def do_rate(session: AsyncSession, principal: Principal, ticket_id: int, rating: int,
                  comment: str | None = None) -> Ticket:
    ticket = await access_ticket(session, principal, ticket_id, Permission.TICKETS_CREATE, for_update=True)
    ticket.rating = checks.check_rating(rating)
    ticket.rating_comment = comment
    add_timeline(session, ticket, principal.user_id, "rated", to_value=rating, comment=comment)
    await emit_ticket(session, ticket, "ticket.updated", fields=["rating"])
    return ticket


async def similar_open_tickets(session: AsyncSession, principal: Principal, building_id: int, category_id: int,
                               entrance_id: int | None = None) -> list[Ticket]:
    """Open tickets of the same category in the building (or entrance): candidates for one incident."""
    await access_building(session, principal, building_id)
    query = (select(Ticket).where(Ticket.building_id == building_id, Ticket.category_id == category_id,
                                  Ticket.status.in_(Status.OPEN)).order_by(Ticket.created_at.desc()).limit(10))
    if entrance_id is not None:
        query = query.where((Ticket.entrance_id == entrance_id) | Ticket.entrance_id.is_(None))
    return list((await session.scalars(query)).all())

"""Reading tickets: board queues, filtered lists with cursor pagination, a ticket's timeline."""

from __future__ import annotations

import base64
from datetime import datetime

import msgspec
from sqlalchemy import and_, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.errors import DomainError
from backend.domain.staff.access import Principal, check_permission, scope_filter
from backend.domain.staff.models import User, UserBuilding
from backend.domain.staff.roles import Permission, Role
from backend.domain.tickets.models import Priority, ServiceCategory, Status, Ticket, TimelineEntry
from backend.domain.tickets.rows import TicketRow, row_query, to_row

BOARD_QUEUE_LIMIT = 50  # rows per queue on the board; counters always count all
MAX_PAGE = 200


class TicketFilter(msgspec.Struct, kw_only=True):
    building_ids: list[int] | None = None
    statuses: list[str] | None = None
    category_id: int | None = None
    priority: str | None = None
    assignee_id: int | None = None
    client_id: int | None = None
    premise_id: int | None = None
    overdue: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None


def check_filter(flt: TicketFilter) -> None:
    """Reject unknown statuses and priorities, which would otherwise match nothing without a word."""
    for status in flt.statuses or ():
        if status not in Status.ALL:
            raise DomainError("status_invalid", "Unknown status: {status}.", field="status", value=status,
                              status=status)
    if flt.priority is not None and flt.priority not in Priority.ALL:
        raise DomainError("priority_invalid", "Unknown priority: {priority}.", field="priority", value=flt.priority,
                          priority=flt.priority)


def _overdue_clause(now: datetime):
    return and_(Ticket.status.in_((Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)),
                or_(and_(Ticket.responded_at.is_(None), Ticket.response_due_at < now), Ticket.resolution_due_at < now))


def _filtered(principal: Principal, flt: TicketFilter, now: datetime):
    query = _narrow(row_query().where(scope_filter(principal, Ticket.building_id)), flt)
    if flt.overdue is not None:
        query = query.where(_overdue_clause(now) if flt.overdue else ~_overdue_clause(now))
    return query


def _narrow(query, flt: TicketFilter):
    """Apply the filter's plain column conditions (everything except `overdue`)."""
    if flt.building_ids:
        query = query.where(Ticket.building_id.in_(flt.building_ids))
    if flt.statuses:
        query = query.where(Ticket.status.in_(flt.statuses))
    for column, value in ((Ticket.category_id, flt.category_id), (Ticket.priority, flt.priority),
                          (Ticket.assignee_id, flt.assignee_id), (Ticket.client_id, flt.client_id),
                          (Ticket.premise_id, flt.premise_id)):
        if value is not None:
            query = query.where(column == value)
    if flt.created_from is not None:
        query = query.where(Ticket.created_at >= flt.created_from)
    if flt.created_to is not None:
        query = query.where(Ticket.created_at < flt.created_to)
    return query


class BoardQueues(msgspec.Struct):
    queues: dict[str, list[TicketRow]]
    counts: dict[str, int]


BOARD_QUEUES = ("new", "assigned", "in_progress", "on_hold", "overdue")


async def board_queues(session: AsyncSession, principal: Principal, flt: TicketFilter) -> BoardQueues:
    """Read the first rows of each board queue and the full counts; overdue tickets go to the overdue queue only.

    One UNION ALL query reads at most BOARD_QUEUE_LIMIT rows per queue, most urgent and newest first,
    so the page stays fast however many tickets are open.
    """
    check_permission(principal, Permission.TICKETS_VIEW)
    now = utcnow()
    base = msgspec.structs.replace(flt, statuses=list(Status.OPEN))
    overdue = _overdue_clause(now)
    # Each part names its own status: an extra `status IN (open...)` makes the planner misjudge the
    # overdue condition and read a whole status through a deadline index instead of 50 queue rows.
    in_scope = _narrow(select(Ticket.id).where(scope_filter(principal, Ticket.building_id)),
                       msgspec.structs.replace(flt, statuses=None))
    parts = [in_scope.where(Ticket.status == status, ~overdue) for status in ("new", "assigned", "in_progress")]
    parts += [in_scope.where(Ticket.status == Status.ON_HOLD), in_scope.where(overdue)]
    first_rows = union_all(*[part.order_by(Ticket.priority_rank, Ticket.created_at.desc()).limit(BOARD_QUEUE_LIMIT)
                             .subquery().select() for part in parts]).subquery()
    records = (await session.execute(row_query().join(first_rows, first_rows.c.id == Ticket.id))).all()
    rows = sorted((to_row(record, now) for record in records),
                  key=lambda row: (Priority.RANK[row.priority], -row.created_at.timestamp()))
    queues: dict[str, list[TicketRow]] = {name: [] for name in BOARD_QUEUES}
    for row in rows:
        queues["overdue" if row.is_overdue else row.status].append(row)
    return BoardQueues(queues=queues, counts=await _queue_counts(session, principal, base, now))


async def _queue_counts(session: AsyncSession, principal: Principal, flt: TicketFilter, now: datetime) -> dict[str, int]:
    # Two counts instead of one grouped by lateness: totals per status come from the queue index alone,
    # and the few late tickets from the deadline indexes, without reading every open ticket's row.
    in_scope = _narrow(select(Ticket.status, func.count()).where(scope_filter(principal, Ticket.building_id)),
                       msgspec.structs.replace(flt, statuses=None)).group_by(Ticket.status)
    totals = in_scope.where(Ticket.status.in_(Status.OPEN))
    late = in_scope.where(_overdue_clause(now))
    counts = {name: 0 for name in BOARD_QUEUES}
    for status, count in (await session.execute(totals)).all():
        counts[status] += count
    for status, count in (await session.execute(late)).all():
        counts[status] -= count
        counts["overdue"] += count
    return counts


class TicketPage(msgspec.Struct):
    items: list[TicketRow]
    next_cursor: str | None


def _encode_cursor(row: TicketRow) -> str:
    return base64.urlsafe_b64encode(f"{row.created_at.isoformat()}|{row.id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        created_at, ticket_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(created_at), int(ticket_id)
    except (ValueError, UnicodeDecodeError):
        raise DomainError("cursor_invalid", "The page cursor is invalid; start from the first page.",
                          field="cursor", value=cursor) from None


async def list_tickets(session: AsyncSession, principal: Principal, flt: TicketFilter, *, cursor: str | None = None,
                       limit: int = 50) -> TicketPage:
    """Newest first; `cursor` continues after the last row of the previous page."""
    check_permission(principal, Permission.TICKETS_VIEW)
    check_filter(flt)
    if not 1 <= limit <= MAX_PAGE:
        raise DomainError("limit_invalid", "The page size must be from 1 to {limit}.", field="limit", value=limit,
                          limit=MAX_PAGE)
    now = utcnow()
    query = _filtered(principal, flt, now).order_by(Ticket.created_at.desc(), Ticket.id.desc())
    if cursor:
        created_at, ticket_id = _decode_cursor(cursor)
        query = query.where(or_(Ticket.created_at < created_at,
                                and_(Ticket.created_at == created_at, Ticket.id < ticket_id)))
    rows = [to_row(record, now) for record in (await session.execute(query.limit(limit + 1))).all()]
    next_cursor = _encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return TicketPage(items=rows[:limit], next_cursor=next_cursor)


class TimelineItem(msgspec.Struct):
    at: datetime
    actor_id: int | None
    actor_name: str | None
    kind: str
    from_value: str | None
    to_value: str | None
    details: dict


async def timeline(session: AsyncSession, ticket_id: int) -> list[TimelineItem]:
    query = (select(TimelineEntry, User.full_name).outerjoin(User, User.id == TimelineEntry.actor_id)
             .where(TimelineEntry.ticket_id == ticket_id).order_by(TimelineEntry.at, TimelineEntry.id))
    return [TimelineItem(at=entry.at, actor_id=entry.actor_id, actor_name=name, kind=entry.kind,
                         from_value=entry.from_value, to_value=entry.to_value, details=entry.details)
            for entry, name in (await session.execute(query)).all()]


class TechnicianLoad(msgspec.Struct):
    id: int
    full_name: str
    open_tickets: int


async def technician_loads(session: AsyncSession, building_id: int | None = None) -> list[TechnicianLoad]:
    """Active technicians (serving the building, if given) with their open ticket counts, least loaded first."""
    open_count = (select(func.count(Ticket.id)).where(Ticket.assignee_id == User.id, Ticket.status.in_(Status.OPEN))
                  .correlate(User).scalar_subquery())
    query = select(User.id, User.full_name, open_count).where(User.role == Role.TECHNICIAN, User.is_active)
    if building_id is not None:
        serving = select(UserBuilding.user_id).where(UserBuilding.building_id == building_id)
        query = query.where(or_(User.all_buildings, User.id.in_(serving)))
    rows = (await session.execute(query.order_by(open_count, User.full_name))).all()
    return [TechnicianLoad(id=user_id, full_name=name, open_tickets=count) for user_id, name, count in rows]


async def categories(session: AsyncSession) -> list[ServiceCategory]:
    return list((await session.scalars(select(ServiceCategory).where(ServiceCategory.is_active)
                                       .order_by(ServiceCategory.id))).all())

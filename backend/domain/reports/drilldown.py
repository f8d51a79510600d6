"""The tickets behind a report figure: the same filters the figures use, as a list query."""

from __future__ import annotations

from datetime import date

import msgspec
from sqlalchemy import Date, Select, and_, cast, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.buildings.models import Building
from backend.domain.errors import DomainError
from backend.domain.reports.backlog import AGE_BUCKETS, age_bucket_clause, overdue_clause
from backend.domain.staff.access import Principal, check_building_scope, check_permission, scope_filter
from backend.domain.staff.roles import Permission
from backend.domain.tickets.models import Channel, Priority, Status, Ticket, TimelineEntry
from backend.domain.tickets.rows import TicketRow, row_query, to_row

PAGE_SIZE = 50


class TicketQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the ticket list; every report figure links here with the filters that define it."""

    first: date | None = None
    last: date | None = None
    """Local days of creation, both included."""
    building_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    priority: str | None = None
    channel: str | None = None
    statuses: tuple[str, ...] = ()
    assignee_id: int | None = None
    completed: bool | None = None
    resolution_on_time: bool | None = None
    """True: completed by the deadline; False: completed after it."""
    response_on_time: bool | None = None
    reopened: bool | None = None
    rating: int | None = None
    open: bool | None = None
    overdue: bool | None = None
    age: str | None = None
    """Backlog age bucket code, see `backlog.AGE_BUCKETS`."""


class TicketListPage(msgspec.Struct):
    items: list[TicketRow]
    total: int
    page: int
    pages: int


def check_query(principal: Principal, query: TicketQuery) -> TicketQuery:
    check_permission(principal, Permission.TICKETS_VIEW)
    for building_id in query.building_ids:
        check_building_scope(principal, building_id)
    _check_choice("priority", query.priority, Priority.ALL)
    _check_choice("channel", query.channel, Channel.ALL)
    for status in query.statuses:
        _check_choice("status", status, Status.ALL)
    _check_choice("age", query.age, [code for code, _, _ in AGE_BUCKETS])
    return query


def _check_choice(field: str, value: str | None, allowed) -> None:
    if value is not None and value not in allowed:
        raise DomainError("filter_invalid", "Unknown value «{text}» of the filter {field}.", field=field,
                          value=value, text=value)


def _conditions(principal: Principal, query: TicketQuery) -> list:
    now = utcnow()
    local_day = cast(func.timezone(Building.time_zone, Ticket.created_at), Date)
    reopened = exists().where(TimelineEntry.ticket_id == Ticket.id, TimelineEntry.kind == "reopened")
    optional = [
        (query.first, lambda: local_day >= query.first),
        (query.last, lambda: local_day <= query.last),
        (query.building_ids or None, lambda: Ticket.building_id.in_(query.building_ids)),
        (query.category_ids or None, lambda: Ticket.category_id.in_(query.category_ids)),
        (query.priority, lambda: Ticket.priority == query.priority),
        (query.channel, lambda: Ticket.channel == query.channel),
        (query.statuses or None, lambda: Ticket.status.in_(query.statuses)),
        (query.assignee_id, lambda: Ticket.assignee_id == query.assignee_id),
        (query.completed, lambda: Ticket.completed_at.is_not(None) if query.completed else Ticket.completed_at.is_(None)),
        (query.resolution_on_time, lambda: (Ticket.completed_at <= Ticket.resolution_due_at)
         if query.resolution_on_time else (Ticket.completed_at > Ticket.resolution_due_at)),
        (query.response_on_time, lambda: (Ticket.responded_at <= Ticket.response_due_at)
         if query.response_on_time else (Ticket.responded_at > Ticket.response_due_at)),
        (query.reopened, lambda: reopened if query.reopened else ~reopened),
        (query.rating, lambda: Ticket.rating == query.rating),
        (query.open, lambda: Ticket.status.in_(Status.OPEN) if query.open else Ticket.status.not_in(Status.OPEN)),
        (query.overdue, lambda: overdue_clause(now) if query.overdue else ~overdue_clause(now)),
        (query.age, lambda: and_(Ticket.status.in_(Status.OPEN), age_bucket_clause(query.age, now))),
    ]
    return [scope_filter(principal, Ticket.building_id)] + [build() for value, build in optional if value is not None]


def _filtered(principal: Principal, query: TicketQuery) -> Select:
    return row_query().where(*_conditions(principal, query))


async def list_report_tickets(session: AsyncSession, principal: Principal, query: TicketQuery,
                              page: int = 1) -> TicketListPage:
    """Return one page of the tickets matching `query`, newest first, and how many match in all."""
    check_query(principal, query)
    count_query = (select(func.count()).select_from(Ticket).join(Building, Building.id == Ticket.building_id)
                   .where(*_conditions(principal, query)))
    total = await session.scalar(count_query)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = (await session.execute(_filtered(principal, query).order_by(Ticket.created_at.desc(), Ticket.id.desc())
                                  .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))).all()
    return TicketListPage(items=[to_row(record) for record in rows], total=total, page=page, pages=pages)

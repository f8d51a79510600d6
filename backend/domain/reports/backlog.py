"""Figures about open tickets as they are now, read live: the backlog, its age and what is overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.reports.filters import ReportFilter
from backend.domain.staff.access import Principal, scope_filter
from backend.domain.tickets.models import Status, Ticket

# (code, lower bound in days included, upper bound in days excluded or None); ages in calendar days.
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("under_1d", 0, 1),
    ("1_3d", 1, 3),
    ("3_7d", 3, 7),
    ("7_30d", 7, 30),
    ("over_30d", 30, None),
]

RUNNING = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)
"""Open statuses whose deadline clocks run; a ticket on hold is never overdue."""


class AgeBucket(msgspec.Struct):
    code: str
    min_days: int
    max_days: int | None
    tickets: int


class Backlog(msgspec.Struct):
    open: int
    overdue: int
    by_status: dict[str, int]
    by_age: list[AgeBucket]
    open_by_assignee: dict[int, int]
    overdue_by_building: dict[int, int]


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Open, clocks running and past a deadline: the same rule as the board's overdue queue."""
    late = or_(and_(Ticket.responded_at.is_(None), Ticket.response_due_at < now), Ticket.resolution_due_at < now)
    return and_(Ticket.status.in_(RUNNING), late)


def age_bucket_clause(code: str, now: datetime) -> ColumnElement[bool]:
    _, low, high = next(bucket for bucket in AGE_BUCKETS if bucket[0] == code)
    clause = Ticket.created_at <= now - timedelta(days=low)
    if high is not None:
        clause = and_(clause, Ticket.created_at > now - timedelta(days=high))
    return clause


def report_scope(principal: Principal, flt: ReportFilter) -> ColumnElement[bool]:
    """Tickets in the report's buildings and categories, within the user's scope (the period aside)."""
    clause = scope_filter(principal, Ticket.building_id)
    if flt.building_ids is not None:
        clause = and_(clause, Ticket.building_id.in_(flt.building_ids))
    if flt.category_ids:
        clause = and_(clause, Ticket.category_id.in_(flt.category_ids))
    return clause if clause is not None else true()


async def backlog(session: AsyncSession, principal: Principal, flt: ReportFilter,
                  now: datetime | None = None) -> Backlog:
    now = now or utcnow()
    age = case(*[(age_bucket_clause(code, now), code) for code, _, _ in AGE_BUCKETS], else_="under_1d")
    overdue = overdue_clause(now)
    query = (select(Ticket.status, age.label("age"), Ticket.assignee_id, Ticket.building_id,
                    func.count().label("tickets"), func.count().filter(overdue).label("overdue"))
             .where(Ticket.status.in_(Status.OPEN), report_scope(principal, flt))
             .group_by(Ticket.status, age, Ticket.assignee_id, Ticket.building_id))
    rows = (await session.execute(query)).all()
    return _summarise(rows)


def _summarise(rows) -> Backlog:
    by_status = {status: 0 for status in Status.OPEN}
    by_age = {code: 0 for code, _, _ in AGE_BUCKETS}
    by_assignee: dict[int, int] = {}
    overdue_by_building: dict[int, int] = {}
    for status, age, assignee_id, building_id, tickets, overdue in rows:
        by_status[status] += tickets
        by_age[age] += tickets
        if assignee_id is not None:
            by_assignee[assignee_id] = by_assignee.get(assignee_id, 0) + tickets
        if overdue:
            overdue_by_building[building_id] = overdue_by_building.get(building_id, 0) + overdue

    buckets = [AgeBucket(code, low, high, by_age[code]) for code, low, high in AGE_BUCKETS]
    return Backlog(open=sum(by_status.values()), overdue=sum(overdue_by_building.values()), by_status=by_status,
                   by_age=buckets, open_by_assignee=by_assignee, overdue_by_building=overdue_by_building)

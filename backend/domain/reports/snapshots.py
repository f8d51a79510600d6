"""Reading the analytics snapshots, and asking the worker for a fresh run."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import msgspec
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.snapshots import TICKET_FACTS, months_between
from backend.domain.reports.models import ReportRun, ReportSnapshot, RunMode, RunStatus
from backend.domain.staff.access import Principal, check_permission
from backend.domain.staff.roles import Permission

REFRESH_CHANNEL = "report_runs"
"""PostgreSQL NOTIFY channel that wakes the analytics job when a run is requested."""


class RunState(msgspec.Struct):
    """The freshness of the figures: when they were computed and whether a run is under way."""

    data_as_of: datetime | None
    """Start of the last successful run: the figures include every change committed before it."""
    active_since: datetime | None
    """When the run now requested or running was asked for; None when none is."""
    last_error: str | None


async def snapshot_blobs(session: AsyncSession, first: date, last: date) -> list[bytes]:
    """Return the Parquet snapshots that may hold tickets created on local days first..last.

    Local days reach up to 12 hours either side of UTC, so one day of margin covers every zone.
    """
    months = months_between(first - timedelta(days=1), last + timedelta(days=1))
    query = (select(ReportSnapshot.data)
             .where(ReportSnapshot.kind == TICKET_FACTS, ReportSnapshot.month.in_(months))
             .order_by(ReportSnapshot.month))
    return list((await session.scalars(query)).all())


async def run_state(session: AsyncSession, kind: str = TICKET_FACTS) -> RunState:
    data_as_of = await session.scalar(select(func.max(ReportRun.started_at))
                                      .where(ReportRun.kind == kind, ReportRun.status == RunStatus.DONE))
    active_since = await session.scalar(select(func.min(ReportRun.requested_at)).where(
        ReportRun.kind == kind, ReportRun.status.in_((RunStatus.REQUESTED, RunStatus.RUNNING))))
    last = (await session.execute(select(ReportRun.status, ReportRun.error).where(
        ReportRun.kind == kind, ReportRun.status.in_((RunStatus.DONE, RunStatus.FAILED)))
        .order_by(ReportRun.id.desc()).limit(1))).first()
    error = last.error if last is not None and last.status == RunStatus.FAILED else None
    return RunState(data_as_of=data_as_of, active_since=active_since, last_error=error)


async def do_request_refresh(session: AsyncSession, principal: Principal, *, full: bool = False) -> bool:
    """Ask the analytics worker for a run now; False when one is already requested or running.

    The caller commits; the NOTIFY is delivered at commit and wakes the worker.
    """
    check_permission(principal, Permission.REPORTS_VIEW)
    inserted = await session.execute(
        insert(ReportRun).values(kind=TICKET_FACTS, mode=RunMode.FULL if full else RunMode.INCREMENTAL,
                                 status=RunStatus.REQUESTED, requested_by_id=principal.user_id, months=0, tickets=0)
        .on_conflict_do_nothing(index_elements=["kind"],
                                index_where=ReportRun.status.in_((RunStatus.REQUESTED, RunStatus.RUNNING)))
        .returning(ReportRun.id))
    if inserted.first() is None:
        return False
    await session.execute(select(func.pg_notify(REFRESH_CHANNEL, TICKET_FACTS)))
    return True

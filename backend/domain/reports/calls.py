"""The call report for pages, exports and the API, read from the telephony tables when they exist."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import msgspec
import polars as pl
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from analytics import reader
from analytics.call_report import CALL_COLUMNS, CALLBACK_COLUMNS, CallFigures, compute_call_figures
from backend.domain.reports.filters import DEFAULT_ZONE, ReportFilter
from backend.domain.staff.access import Principal, check_permission
from backend.domain.staff.roles import Permission
from backend.i18n import N_

ZONE = DEFAULT_ZONE.key
"""Call hours and days are Moscow time: calls reach one company switchboard, not a building."""


class CallSummary(msgspec.Struct):
    inbound: int
    answered: int
    missed: int
    abandoned: int
    answered_share: float | None
    answer_median: float | None
    """Seconds from the start of the call to the answer."""
    answer_p90: float | None
    became_tickets: int
    became_tickets_share: float | None


class HourCount(msgspec.Struct):
    hour: int
    answered: int
    missed: int


class DayCount(msgspec.Struct):
    day: date
    answered: int
    missed: int
    abandoned: int


class WaitBucket(msgspec.Struct):
    up_to: int | None
    """Upper bound in seconds; None for the last, open-ended bucket."""
    calls: int


class CallbackSummary(msgspec.Struct):
    requested: int
    done: int
    minutes_median: float | None
    minutes_p90: float | None


class CallReport(msgspec.Struct, kw_only=True):
    first: date
    last: date
    available: bool
    unavailable_reason: str | None = None
    """English msgid of why there are no figures; the page shows its translation."""
    summary: CallSummary | None = None
    by_hour: list[HourCount] = []
    by_day: list[DayCount] = []
    answer_times: list[WaitBucket] = []
    callbacks: CallbackSummary | None = None


NO_CALLS_TABLE = N_("Call records are not stored yet: the telephony tables are missing.")
# NOTE: calls carry no building. Until they do (or are scoped through their tickets or clients), users
# limited to some buildings, and reports filtered by building, get no call figures.
NOT_BY_BUILDING = N_("Calls are not linked to buildings, so only users who see every building get this report.")


async def call_report(session: AsyncSession, principal: Principal, flt: ReportFilter) -> CallReport:
    check_permission(principal, Permission.REPORTS_VIEW)
    reason = await _unavailable_reason(session, principal, flt)
    if reason is not None:
        return CallReport(first=flt.first, last=flt.last, available=False, unavailable_reason=reason)

    database_url = session.bind.url.render_as_string(hide_password=False)
    figures = await asyncio.to_thread(read_call_figures, database_url, flt)
    return CallReport(
        first=flt.first, last=flt.last, available=True,
        summary=msgspec.convert(figures.summary.to_dicts()[0], CallSummary),
        by_hour=[msgspec.convert(row, HourCount) for row in figures.by_hour.to_dicts()],
        by_day=[msgspec.convert(row, DayCount) for row in figures.by_day.to_dicts()],
        answer_times=[msgspec.convert(row, WaitBucket) for row in figures.answer_times.to_dicts()],
        callbacks=msgspec.convert(figures.callbacks.to_dicts()[0], CallbackSummary))


async def _unavailable_reason(session: AsyncSession, principal: Principal, flt: ReportFilter) -> str | None:
    columns = await _columns(session, "calls")
    if not set(CALL_COLUMNS) <= columns or not set(CALLBACK_COLUMNS) <= await _columns(session, "callbacks"):
        return NO_CALLS_TABLE
    if flt.building_ids is not None and "building_id" not in columns:
        return NOT_BY_BUILDING
    return None


async def _columns(session: AsyncSession, table: str) -> set[str]:
    rows = await session.execute(text("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_schema = current_schema() AND table_name = :table"),
                                 {"table": table})
    return {name for (name,) in rows}


def read_call_figures(database_url: str, flt: ReportFilter) -> CallFigures:
    """Read the period's calls, their tickets and callbacks over ADBC and compute; runs in a thread."""
    start = datetime.combine(flt.first, time(), DEFAULT_ZONE)
    end = datetime.combine(flt.last + timedelta(days=1), time(), DEFAULT_ZONE)
    where = "started_at >= $1 AND started_at < $2"
    params: list = [start, end]
    if flt.building_ids is not None:
        where += " AND building_id = ANY($3)"
        params.append(list(flt.building_ids))
    with reader.connect(database_url) as connection:
        calls = reader.read_frame(connection, f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE {where}", params)
        ticket_calls = reader.read_frame(connection, "SELECT call_id FROM tickets WHERE call_id = ANY($1)",
                                         [calls["id"].to_list() or [0]])
        callbacks = reader.read_frame(connection, f"SELECT {', '.join(CALLBACK_COLUMNS)} FROM callbacks "
                                                  "WHERE created_at >= $1 AND created_at < $2", [start, end])
    return compute_call_figures(calls, ticket_calls["call_id"], callbacks, ZONE, flt.first, flt.last)


def empty_call_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Frames with the call and callback columns and no rows, for computing over nothing."""
    instant = pl.Datetime("us", "UTC")
    calls = pl.DataFrame(schema={"id": pl.Int64, "direction": pl.String, "outcome": pl.String, "started_at": instant,
                                 "answered_at": instant, "ended_at": instant, "queue": pl.String})
    callbacks = pl.DataFrame(schema={"id": pl.Int64, "created_at": instant, "status": pl.String,
                                     "resolved_at": instant})
    return calls, callbacks

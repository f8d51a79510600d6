"""The request report as pages, exports and the API show it: figures with names, plus the live backlog."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import msgspec
import polars as pl
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analytics.snapshots import decode_facts, empty_facts
from analytics.ticket_report import TicketFigures, compute_ticket_figures, select_facts
from backend.domain.buildings.models import Building
from backend.domain.clients.names import FullNameError, short_name, split_full_name
from backend.domain.reports.backlog import Backlog, backlog
from backend.domain.reports.filters import ReportFilter
from backend.domain.reports.snapshots import run_state, snapshot_blobs
from backend.domain.staff.access import Principal, check_permission
from backend.domain.staff.models import User
from backend.domain.staff.roles import Permission
from backend.domain.tickets.deadlines import FALLBACK_MINUTES
from backend.domain.tickets.models import DeadlinePolicy, Priority, ServiceCategory

FACT_COLUMNS = ["building_id", "category_id", "priority", "channel", "status", "assignee_id", "created_day",
                "response_minutes", "resolution_minutes", "response_on_time", "resolution_on_time",
                "reopen_count", "rating"]
"""The fact columns the report reads; ticket ids and instants stay in the snapshot."""


class Measures(msgspec.Struct, kw_only=True):
    """Figures of one slice of tickets created in the period. Times are business minutes."""

    created: int
    completed: int
    cancelled: int
    response_median: float | None
    response_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    response_on_time_share: float | None
    resolution_on_time: int
    resolution_on_time_share: float | None
    reopened: int
    reopen_rate: float | None
    rated: int
    rating_average: float | None


class Slice(Measures, kw_only=True):
    key: str
    """The building or category id, the channel or the priority code."""
    name: str


class VolumePoint(msgspec.Struct):
    period: date
    created: int
    completed: int
    resolution_on_time: int


class TechnicianFigures(msgspec.Struct):
    assignee_id: int
    name: str
    assigned: int
    completed: int
    resolution_on_time: int
    resolution_on_time_share: float | None
    resolution_average: float | None
    rated: int
    rating_average: float | None
    open_now: int


class RatingCount(msgspec.Struct):
    rating: int
    tickets: int


class Target(msgspec.Struct):
    priority: str
    response_minutes: int
    resolution_minutes: int


class TicketReport(msgspec.Struct, kw_only=True):
    first: date
    last: date
    grain: str
    building_ids: list[int] | None
    category_ids: list[int]
    data_as_of: datetime | None
    summary: Measures
    volume: list[VolumePoint]
    by_building: list[Slice]
    by_category: list[Slice]
    by_channel: list[Slice]
    by_priority: list[Slice]
    technicians: list[TechnicianFigures]
    ratings: list[RatingCount]
    targets: list[Target]
    backlog: Backlog


async def ticket_report(session: AsyncSession, principal: Principal, flt: ReportFilter) -> TicketReport:
    """Compute the request report for `flt` (already narrowed to the user's scope by `build_filter`)."""
    check_permission(principal, Permission.REPORTS_VIEW)
    state = await run_state(session)
    blobs = await snapshot_blobs(session, flt.first, flt.last)
    figures = await asyncio.to_thread(figures_from_snapshots, blobs, flt)
    live = await backlog(session, principal, flt)
    names = await _names(session, figures)
    return _assemble(flt, state.data_as_of, figures, live, names, await default_targets(session))


def figures_from_snapshots(blobs: list[bytes], flt: ReportFilter) -> TicketFigures:
    """Decode the snapshots and compute; CPU-bound, so callers run it in a worker thread."""
    frames = [decode_facts(blob, FACT_COLUMNS) for blob in blobs] or [empty_facts(FACT_COLUMNS)]
    facts = pl.concat(frames).lazy()
    building_ids = None if flt.building_ids is None else list(flt.building_ids)
    selected = select_facts(facts, flt.first, flt.last, building_ids, list(flt.category_ids))
    return compute_ticket_figures(selected, flt.first, flt.last, flt.grain)


class _Names(msgspec.Struct):
    buildings: dict[int, str]
    categories: dict[int, str]
    users: dict[int, str]


async def _names(session: AsyncSession, figures: TicketFigures) -> _Names:
    building_ids = figures.by_building["building_id"].to_list()
    user_ids = figures.technicians["assignee_id"].to_list()
    buildings = dict((await session.execute(select(Building.id, Building.address)
                                            .where(Building.id.in_(building_ids)))).all())
    categories = dict((await session.execute(select(ServiceCategory.id, ServiceCategory.name))).all())
    users = dict((await session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids)))).all())
    return _Names(buildings, categories, {user_id: list_name(name) for user_id, name in users.items()})


def list_name(full_name: str) -> str:
    """«Фамилия И. О.», as people are named in lists."""
    try:
        parts = split_full_name(full_name)
    except FullNameError:
        return full_name
    return short_name(parts.last, parts.first, parts.patronymic)


async def default_targets(session: AsyncSession) -> list[Target]:
    """The catalogue-wide deadlines per priority, in business minutes (emergencies: around the clock)."""
    policies = {priority: (response, resolution) for priority, response, resolution in (await session.execute(
        select(DeadlinePolicy.priority, DeadlinePolicy.response_minutes, DeadlinePolicy.resolution_minutes)
        .where(DeadlinePolicy.category_id.is_(None)))).all()}
    return [Target(priority, *policies.get(priority, FALLBACK_MINUTES[priority])) for priority in Priority.ALL]


def _assemble(flt: ReportFilter, data_as_of: datetime | None, figures: TicketFigures, live: Backlog,
              names: _Names, targets: list[Target]) -> TicketReport:
    return TicketReport(
        first=flt.first, last=flt.last, grain=flt.grain,
        building_ids=None if flt.building_ids is None else list(flt.building_ids),
        category_ids=list(flt.category_ids), data_as_of=data_as_of,
        summary=msgspec.convert(_first_row(figures.summary), Measures),
        volume=[msgspec.convert(row, VolumePoint) for row in figures.volume.to_dicts()],
        by_building=_slices(figures.by_building, "building_id", lambda key: names.buildings.get(key, str(key))),
        by_category=_slices(figures.by_category, "category_id", lambda key: names.categories.get(key, str(key))),
        by_channel=_slices(figures.by_channel, "channel", str),
        by_priority=_slices(figures.by_priority, "priority", str),
        technicians=[msgspec.convert({**row, "name": names.users.get(row["assignee_id"], str(row["assignee_id"])),
                                      "open_now": live.open_by_assignee.get(row["assignee_id"], 0)},
                                     TechnicianFigures) for row in figures.technicians.to_dicts()],
        ratings=[msgspec.convert(row, RatingCount) for row in figures.ratings.to_dicts()],
        targets=targets, backlog=live)


def _first_row(frame: pl.DataFrame) -> dict[str, Any]:
    return frame.to_dicts()[0]


def _slices(frame: pl.DataFrame, key: str, name_of) -> list[Slice]:
    slices = []
    for row in frame.to_dicts():
        value = row.pop(key)
        slices.append(msgspec.convert({**row, "key": str(value), "name": name_of(value)}, Slice))
    return slices

"""Facts per ticket, computed from the ticket row and its timeline: the feed of the request reports.

Times are business minutes on the ticket's own calendar: emergencies around the clock, other
priorities on the building's working hours and the production calendar, with time on hold
taken out. That is how the deadlines are set, so a response that met its deadline counts as on
time here too.
"""

from __future__ import annotations

import json
from datetime import datetime

import polars as pl

from analytics.business_time import ALWAYS, US, business_instants, calendar_key, interval_table
from backend.domain.tickets.models import Channel, Priority, Status

FACT_SCHEMA = {
    "ticket_id": pl.Int64,
    "building_id": pl.Int32,
    "category_id": pl.Int32,
    "priority": pl.Enum(Priority.ALL),
    "channel": pl.Enum(Channel.ALL),
    "status": pl.Enum(Status.ALL),
    "assignee_id": pl.Int32,
    "created_at": pl.Datetime(US, "UTC"),
    "created_day": pl.Date,  # the date of creation in the building's time zone
    # Business minutes from creation to the first response (assignment or start of work).
    "response_minutes": pl.Float64,
    # Business minutes from creation to the last completion; null while not completed.
    "resolution_minutes": pl.Float64,
    "response_on_time": pl.Boolean,
    "resolution_on_time": pl.Boolean,
    "reopen_count": pl.Int16,
    "rating": pl.Int8,
}

TICKET_COLUMNS = ("id", "building_id", "category_id", "priority", "channel", "status", "assignee_id",
                  "created_at", "responded_at", "completed_at", "response_due_at", "resolution_due_at", "rating")
"""Columns of `tickets` that `compute_facts` reads."""

TIMELINE_COLUMNS = ("ticket_id", "id", "at", "kind", "from_value", "to_value")
"""Columns of `ticket_timeline` that `compute_facts` reads; only stays on hold and reopens matter."""

NO_END = 2**62
"""B(t) of a hold that has not ended: later than any window it is clipped to."""


def compute_facts(tickets: pl.DataFrame, timeline: pl.DataFrame, buildings: pl.DataFrame,
                  now: datetime) -> pl.DataFrame:
    """Return one row of FACT_SCHEMA per ticket.

    `buildings` has id, time_zone and working_hours (JSON text or null); `timeline` may hold
    any entries of these tickets, in any order.
    """
    if tickets.is_empty():
        return pl.DataFrame(schema=FACT_SCHEMA)
    keyed = _with_calendar_keys(tickets, buildings)
    holds = _holds(timeline).join(keyed.select(ticket_id="id", calendar_key="calendar_key"), on="ticket_id")
    intervals = interval_table(keyed["calendar_key"].unique().to_list(), keyed["created_at"].min(), now)

    keyed = _with_business_instants(keyed, intervals, ("created_at", "responded_at", "completed_at"))
    holds = _with_business_instants(holds, intervals, ("hold_start", "hold_end"))
    paused = _paused(keyed, holds)

    facts = keyed.join(paused, on="id", how="left").join(_reopens(timeline), on="id", how="left")
    return _shape(facts)


def _with_calendar_keys(tickets: pl.DataFrame, buildings: pl.DataFrame) -> pl.DataFrame:
    rows = buildings.select("id", "time_zone", "working_hours").rows()
    keys = pl.DataFrame(
        {"building_id": [building_id for building_id, _, _ in rows],
         "time_zone": [zone for _, zone, _ in rows],
         "building_key": [calendar_key(zone, _hours(hours)) for _, zone, hours in rows]},
        schema={"building_id": pl.Int32, "time_zone": pl.String, "building_key": pl.String})
    joined = tickets.with_columns(pl.col("building_id").cast(pl.Int32)).join(keys, on="building_id", how="left")
    return joined.with_columns(calendar_key=pl.when(pl.col("priority") == Priority.EMERGENCY)
                               .then(pl.lit(ALWAYS)).otherwise(pl.col("building_key")))


def _hours(value: str | dict | None) -> dict | None:
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)


def _holds(timeline: pl.DataFrame) -> pl.DataFrame:
    """Return (ticket_id, hold_start, hold_end) for each stay on hold; hold_end is null while it lasts."""
    changes = (timeline.filter(pl.col("kind").is_in(["status_changed", "reopened"]))
               .sort("ticket_id", "at", "id"))
    following = changes.with_columns(
        next_at=pl.col("at").shift(-1).over("ticket_id"),
        next_from=pl.col("from_value").shift(-1).over("ticket_id"),
    )
    return following.filter(pl.col("to_value") == Status.ON_HOLD).select(
        "ticket_id",
        hold_start=pl.col("at"),
        hold_end=pl.when(pl.col("next_from") == Status.ON_HOLD).then(pl.col("next_at")),
    )


def _reopens(timeline: pl.DataFrame) -> pl.DataFrame:
    return (timeline.filter(pl.col("kind") == "reopened")
            .group_by(id="ticket_id").agg(reopen_count=pl.len().cast(pl.Int16)))


def _with_business_instants(frame: pl.DataFrame, intervals: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """Add `b_<column>` (business microseconds since the origin) for each instant column."""
    points = pl.concat([frame.select("calendar_key", t=pl.col(column)) for column in columns])
    resolved = business_instants(points, intervals).unique(["calendar_key", "t"])
    for column in columns:
        frame = frame.join(resolved.rename({"t": column, "b_us": f"b_{column}"}),
                           on=["calendar_key", column], how="left", nulls_equal=False)
    return frame


def _paused(tickets: pl.DataFrame, holds: pl.DataFrame) -> pl.DataFrame:
    """Sum, per ticket, the business time on hold inside the response and the resolution windows."""
    windows = holds.join(tickets.select("id", "b_created_at", "b_responded_at", "b_completed_at"),
                         left_on="ticket_id", right_on="id")
    hold_end = pl.col("b_hold_end").fill_null(NO_END)

    def inside(window_end: str) -> pl.Expr:
        overlap = (pl.min_horizontal(hold_end, pl.col(window_end))
                   - pl.max_horizontal(pl.col("b_hold_start"), pl.col("b_created_at")))
        return overlap.clip(lower_bound=0).fill_null(0)

    return windows.group_by(id="ticket_id").agg(
        paused_response_us=inside("b_responded_at").sum(),
        paused_resolution_us=inside("b_completed_at").sum(),
    )


def _shape(facts: pl.DataFrame) -> pl.DataFrame:
    minutes = 60_000_000

    def elapsed(end: str, paused: str) -> pl.Expr:
        used = pl.col(end) - pl.col("b_created_at") - pl.col(paused).fill_null(0)
        return (used / minutes).cast(pl.Float64)

    local_days = _local_days(facts)
    return facts.join(local_days, on="id").select(
        ticket_id=pl.col("id").cast(pl.Int64),
        building_id=pl.col("building_id").cast(pl.Int32),
        category_id=pl.col("category_id").cast(pl.Int32),
        priority=pl.col("priority").cast(FACT_SCHEMA["priority"]),
        channel=pl.col("channel").cast(FACT_SCHEMA["channel"]),
        status=pl.col("status").cast(FACT_SCHEMA["status"]),
        assignee_id=pl.col("assignee_id").cast(pl.Int32),
        created_at="created_at",
        created_day="created_day",
        response_minutes=elapsed("b_responded_at", "paused_response_us"),
        resolution_minutes=elapsed("b_completed_at", "paused_resolution_us"),
        response_on_time=pl.col("responded_at") <= pl.col("response_due_at"),
        resolution_on_time=pl.col("completed_at") <= pl.col("resolution_due_at"),
        reopen_count=pl.col("reopen_count").fill_null(0).cast(pl.Int16),
        rating=pl.col("rating").cast(pl.Int8),
    ).sort("ticket_id")


def _local_days(facts: pl.DataFrame) -> pl.DataFrame:
    """Return (id, created_day) with the date of creation in each building's own time zone."""
    parts = []
    for (zone,), part in facts.select("id", "created_at", "time_zone").group_by("time_zone"):
        local = pl.col("created_at").dt.convert_time_zone(zone or "Europe/Moscow").dt.date()
        parts.append(part.select("id", created_day=local))
    return pl.concat(parts)

"""Business time for whole columns of instants, on the same calendar as the SLA deadlines.

`backend.domain.calendar.BusinessCalendar.elapsed` sums, day by day, the overlap of a span with
the building's working intervals. Here each instant t becomes B(t): the business time from a fixed
origin up to t. Then elapsed(a, b) = B(b) - B(a), and a pause clipped to a window is
max(0, min(B(pause end), B(window end)) - max(B(pause start), B(window start))), because B never
decreases. B comes from one as-of join of the instants with a table of working intervals that
carries the business time before each interval, so a million instants cost one sorted join.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import polars as pl

from backend.domain.calendar import BusinessCalendar
from backend.domain.tickets.deadlines import working_hours_of

ALWAYS = "24/7"
"""Calendar key of emergencies: every minute counts, so B(t) is the time since the Unix epoch."""

MARGIN = timedelta(days=2)
"""Added around the span of instants, so local dates of every Russian zone (UTC+2 to +12) are covered."""

US = "us"
"""Instants and business times are integers in microseconds: float seconds since 1970 lose precision."""


class _BuildingLike:
    """The two attributes of `Building` that `working_hours_of` reads."""

    def __init__(self, time_zone: str, working_hours: dict | None) -> None:
        self.time_zone = time_zone
        self.working_hours = working_hours


def calendar_key(time_zone: str, working_hours: dict | None) -> str:
    """Return a key shared by buildings whose business time is the same."""
    return f"{time_zone}|{json.dumps(working_hours, sort_keys=True)}"


def calendar_of(key: str) -> BusinessCalendar:
    time_zone, hours = key.split("|", 1)
    building = _BuildingLike(time_zone, json.loads(hours))
    return BusinessCalendar(time_zone, working_hours_of(building))


def working_intervals(key: str, first: date, last: date) -> pl.DataFrame:
    """Return the working intervals of local days first..last with the business time before each."""
    calendar = calendar_of(key)
    opens, closes = [], []
    day = first
    while day <= last:
        interval = calendar.working_interval(day)
        if interval is not None:
            opens.append(interval[0])
            closes.append(interval[1])
        day += timedelta(days=1)

    frame = pl.DataFrame({"opens": opens, "closes": closes},
                         schema={"opens": pl.Datetime(US, "UTC"), "closes": pl.Datetime(US, "UTC")})
    length = (pl.col("closes") - pl.col("opens")).dt.total_microseconds()
    return frame.with_columns(
        calendar_key=pl.lit(key),
        before_us=length.cum_sum().shift(1, fill_value=0),
    )


def interval_table(keys: list[str], start: datetime, end: datetime) -> pl.DataFrame:
    """Return the working intervals of every calendar in `keys` that cover start..end."""
    first, last = (start - MARGIN).date(), (end + MARGIN).date()
    frames = [working_intervals(key, first, last) for key in sorted(set(keys)) if key != ALWAYS]
    if not frames:
        return pl.DataFrame(schema={"opens": pl.Datetime(US, "UTC"), "closes": pl.Datetime(US, "UTC"),
                                    "calendar_key": pl.String, "before_us": pl.Int64})
    return pl.concat(frames).sort("opens")


def business_instants(points: pl.DataFrame, intervals: pl.DataFrame) -> pl.DataFrame:
    """Add `b_us`, the business time B(t) in microseconds, to a frame of (calendar_key, t).

    Rows with a null `t` get a null `b_us`. `intervals` must cover every t (see `interval_table`).
    """
    known = points.filter(pl.col("t").is_not_null()).unique().sort("t")
    joined = known.join_asof(intervals, left_on="t", right_on="opens", by="calendar_key", strategy="backward",
                            check_sortedness=False)
    t_us = pl.col("t").dt.epoch(US)
    into_interval = (t_us - pl.col("opens").dt.epoch(US)).clip(
        0, (pl.col("closes") - pl.col("opens")).dt.total_microseconds())
    calendar_time = (pl.col("before_us") + into_interval).fill_null(0)
    resolved = joined.select(
        "calendar_key", "t",
        b_us=pl.when(pl.col("calendar_key") == ALWAYS).then(t_us).otherwise(calendar_time),
    )
    return points.join(resolved, on=["calendar_key", "t"], how="left", nulls_equal=False)

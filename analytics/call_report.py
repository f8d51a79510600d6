"""The call report: inbound calls answered and missed, waiting, callbacks and calls that became tickets.

Inputs are frames read from `calls` and `callbacks` (columns in CALL_COLUMNS and CALLBACK_COLUMNS);
local hours and days are in one time zone given by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

CALL_COLUMNS = ("id", "direction", "outcome", "started_at", "answered_at", "ended_at", "queue")
CALLBACK_COLUMNS = ("id", "created_at", "status", "resolved_at")

CALLED_BACK = ("called_back", "answered_later")
"""Callback statuses in which the client was reached: by calling them, or when they called again."""

UNANSWERED = ("missed", "abandoned", "busy")
"""Inbound outcomes in which nobody answered; `failed` calls never reached a phone and are left out."""

WAIT_BUCKETS = (10, 20, 30, 60, 120)
"""Upper bounds in seconds of the answer-time distribution; the last bucket is open-ended."""


@dataclass(frozen=True)
class CallFigures:
    summary: pl.DataFrame
    by_hour: pl.DataFrame
    by_day: pl.DataFrame
    answer_times: pl.DataFrame
    callbacks: pl.DataFrame


def compute_call_figures(calls: pl.DataFrame, ticket_call_ids: pl.Series, callbacks: pl.DataFrame,
                         zone: str, first: date, last: date) -> CallFigures:
    """Compute the call sections over calls and callbacks already limited to the period."""
    inbound = _inbound(calls, ticket_call_ids, zone)
    return CallFigures(
        summary=inbound.select(_call_measures()),
        by_hour=_by_hour(inbound),
        by_day=_by_day(inbound, first, last),
        answer_times=_answer_times(inbound),
        callbacks=_callbacks(callbacks),
    )


def _inbound(calls: pl.DataFrame, ticket_call_ids: pl.Series, zone: str) -> pl.DataFrame:
    local = pl.col("started_at").dt.convert_time_zone(zone)
    # A call in progress has no outcome yet and is left out.
    return calls.filter(pl.col("direction") == "inbound", pl.col("outcome").is_in([*UNANSWERED, "answered"])
                        ).with_columns(
        answered=pl.col("outcome") == "answered",
        unanswered=pl.col("outcome").is_in(UNANSWERED),
        abandoned=pl.col("outcome") == "abandoned",
        answer_seconds=(pl.col("answered_at") - pl.col("started_at")).dt.total_milliseconds() / 1000,
        became_ticket=pl.col("id").is_in(ticket_call_ids.implode()),
        hour=local.dt.hour(),
        day=local.dt.date(),
    )


def _call_measures() -> list[pl.Expr]:
    return [
        pl.len().alias("inbound"),
        pl.col("answered").sum().alias("answered"),
        pl.col("unanswered").sum().alias("missed"),
        pl.col("abandoned").sum().alias("abandoned"),
        pl.col("answered").mean().alias("answered_share"),
        pl.col("answer_seconds").median().alias("answer_median"),
        pl.col("answer_seconds").quantile(0.9, "linear").alias("answer_p90"),
        pl.col("became_ticket").sum().alias("became_tickets"),
        pl.col("became_ticket").mean().alias("became_tickets_share"),
    ]


def _by_hour(inbound: pl.DataFrame) -> pl.DataFrame:
    hours = pl.DataFrame({"hour": list(range(24))}, schema={"hour": pl.Int8})
    counted = inbound.group_by("hour").agg(pl.col("answered").sum(), missed=pl.col("unanswered").sum())
    return hours.join(counted.cast({"hour": pl.Int8}), on="hour", how="left").fill_null(0).sort("hour")


def _by_day(inbound: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    days = pl.DataFrame({"day": pl.date_range(first, last, "1d", eager=True)})
    counted = inbound.group_by("day").agg(pl.col("answered").sum(), missed=pl.col("unanswered").sum(),
                                          abandoned=pl.col("abandoned").sum())
    return days.join(counted, on="day", how="left").fill_null(0).sort("day")


def _answer_times(inbound: pl.DataFrame) -> pl.DataFrame:
    """Answered calls by waiting time: up to 10 s, 10-20 s and so on; `up_to` null is the open bucket."""
    bucket = pl.lit(None, dtype=pl.Int32)
    for bound in reversed(WAIT_BUCKETS):
        bucket = pl.when(pl.col("answer_seconds") <= bound).then(pl.lit(bound, dtype=pl.Int32)).otherwise(bucket)
    counted = (inbound.filter(pl.col("answered")).group_by(bucket.alias("up_to"))
               .agg(pl.len().alias("calls")))
    scale = pl.DataFrame({"up_to": [*WAIT_BUCKETS, None]}, schema={"up_to": pl.Int32})
    return (scale.join(counted, on="up_to", how="left", nulls_equal=True)
            .with_columns(pl.col("calls").fill_null(0)))


def _callbacks(callbacks: pl.DataFrame) -> pl.DataFrame:
    """Callbacks opened in the period: how many reached the client and minutes from the missed call."""
    done = pl.col("status").is_in(CALLED_BACK)
    delay = ((pl.col("resolved_at") - pl.col("created_at")).dt.total_milliseconds() / 60_000).filter(done)
    return callbacks.select(
        pl.len().alias("requested"),
        done.sum().alias("done"),
        delay.median().alias("minutes_median"),
        delay.quantile(0.9, "linear").alias("minutes_p90"),
    )

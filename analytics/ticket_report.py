"""The request report: figures over ticket facts (see `analytics.ticket_facts`), each section a DataFrame.

Medians and 90th percentiles interpolate linearly, as PostgreSQL's `percentile_cont` does. Shares
on time are taken among the tickets that have a response (or a completion) and a deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from backend.domain.tickets.models import Status

GRAINS = ("day", "week", "month")
TRUNCATE_EVERY = {"day": "1d", "week": "1w", "month": "1mo"}
"""Polars truncation intervals; weeks start on Monday, as in Russia."""

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class TicketFigures:
    summary: pl.DataFrame
    volume: pl.DataFrame
    by_building: pl.DataFrame
    by_category: pl.DataFrame
    by_channel: pl.DataFrame
    by_priority: pl.DataFrame
    technicians: pl.DataFrame
    ratings: pl.DataFrame


def select_facts(facts: pl.LazyFrame, first: date, last: date, building_ids: list[int] | None,
                 category_ids: list[int] | None) -> pl.LazyFrame:
    """Keep tickets created on local days first..last in the given buildings and categories (None: all)."""
    kept = facts.filter(pl.col("created_day").is_between(first, last))
    if building_ids is not None:
        kept = kept.filter(pl.col("building_id").is_in(building_ids))
    if category_ids:
        kept = kept.filter(pl.col("category_id").is_in(category_ids))
    return kept


def measures() -> list[pl.Expr]:
    """Return the figures of every slice: the whole period, a building, a category and so on."""
    completed = pl.col("resolution_minutes").is_not_null()
    reopened = pl.col("reopen_count") > 0
    ever_completed = (completed | reopened).sum()
    return [
        pl.len().alias("created"),
        completed.sum().alias("completed"),
        (pl.col("status") == Status.CANCELLED).sum().alias("cancelled"),
        pl.col("response_minutes").median().alias("response_median"),
        pl.col("response_minutes").quantile(0.9, "linear").alias("response_p90"),
        pl.col("resolution_minutes").median().alias("resolution_median"),
        pl.col("resolution_minutes").quantile(0.9, "linear").alias("resolution_p90"),
        pl.col("response_on_time").mean().alias("response_on_time_share"),
        pl.col("resolution_on_time").sum().alias("resolution_on_time"),
        pl.col("resolution_on_time").mean().alias("resolution_on_time_share"),
        reopened.sum().alias("reopened"),
        pl.when(ever_completed > 0).then(reopened.sum() / ever_completed).alias("reopen_rate"),
        pl.col("rating").is_not_null().sum().alias("rated"),
        pl.col("rating").mean().alias("rating_average"),
    ]


def compute_ticket_figures(facts: pl.LazyFrame, first: date, last: date, grain: str) -> TicketFigures:
    """Compute every section over `facts` already narrowed by `select_facts`."""
    kept = facts.cache()
    collected = pl.collect_all([
        kept.select(measures()),
        volume(kept, first, last, grain),
        breakdown(kept, "building_id"),
        breakdown(kept, "category_id"),
        breakdown(kept, "channel"),
        breakdown(kept, "priority"),
        technicians(kept),
        ratings(kept),
    ])
    return TicketFigures(*collected)


def breakdown(facts: pl.LazyFrame, key: str) -> pl.LazyFrame:
    return facts.group_by(key).agg(measures()).sort("created", key, descending=[True, False])


def volume(facts: pl.LazyFrame, first: date, last: date, grain: str) -> pl.LazyFrame:
    """Tickets created per day, week or month, with every period of the range present."""
    every = TRUNCATE_EVERY[grain]
    period = pl.col("created_day").dt.truncate(every).alias("period")
    counted = facts.group_by(period).agg(
        pl.len().alias("created"),
        pl.col("resolution_minutes").is_not_null().sum().alias("completed"),
        pl.col("resolution_on_time").sum().alias("resolution_on_time"),
    )
    periods = pl.LazyFrame({"period": pl.date_range(first, last, every, eager=True).dt.truncate(every).unique()})
    return (periods.join(counted, on="period", how="left")
            .with_columns(pl.col("created", "completed", "resolution_on_time").fill_null(0).cast(pl.UInt32))
            .sort("period"))


def technicians(facts: pl.LazyFrame) -> pl.LazyFrame:
    """Per assignee: tickets assigned, completed, completed on time, mean resolution time and rating."""
    completed = pl.col("resolution_minutes").is_not_null()
    return (facts.filter(pl.col("assignee_id").is_not_null()).group_by("assignee_id").agg(
        pl.len().alias("assigned"),
        completed.sum().alias("completed"),
        pl.col("resolution_on_time").sum().alias("resolution_on_time"),
        pl.col("resolution_on_time").mean().alias("resolution_on_time_share"),
        pl.col("resolution_minutes").mean().alias("resolution_average"),
        pl.col("rating").is_not_null().sum().alias("rated"),
        pl.col("rating").mean().alias("rating_average"),
    ).sort("completed", "assignee_id", descending=[True, False]))


def ratings(facts: pl.LazyFrame) -> pl.LazyFrame:
    counted = facts.filter(pl.col("rating").is_not_null()).group_by("rating").agg(pl.len().alias("tickets"))
    scale = pl.LazyFrame({"rating": list(RATINGS)}, schema={"rating": pl.Int8})
    return (scale.join(counted, on="rating", how="left")
            .with_columns(pl.col("tickets").fill_null(0).cast(pl.UInt32)).sort("rating"))

"""The measuring half of `bench.reports`, run in its own process: `python -m bench.reports_measure MODE URL`.

`report` times the request report end to end and reads the process's peak RSS; `engines` times the
same aggregation in Polars, DuckDB and PostgreSQL. Each prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import time
from datetime import date, timedelta

import msgspec
import polars as pl

WARM_RUNS = 3  # report runs after the first, cold one; their median is recorded
ENGINE_RUNS = 3  # runs of each engine's aggregation; the median is recorded
PERIOD = (date.today() - timedelta(days=740), date.today() + timedelta(days=1))
"""Every ticket the benchmark generated: two years up to now, plus a day for zones east of Moscow."""

AGGREGATION_SQL = """
SELECT GROUPING(building_id, category_id, channel, priority) AS grouping_set, building_id, category_id, channel,
       priority, count(*) AS created, count(resolution_minutes) AS completed,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY response_minutes) AS response_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY response_minutes) AS response_p90,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_minutes) AS resolution_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY resolution_minutes) AS resolution_p90,
       avg(response_on_time::int) AS response_on_time_share,
       count(*) FILTER (WHERE resolution_on_time) AS resolution_on_time,
       avg(resolution_on_time::int) AS resolution_on_time_share,
       count(*) FILTER (WHERE reopen_count > 0) AS reopened, count(rating) AS rated, avg(rating) AS rating_average
FROM facts
GROUP BY GROUPING SETS ((), (building_id), (category_id), (channel), (priority))
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kilobytes


async def _report_seconds(database_url: str) -> list[float]:
    """Compute and encode the report as the API does, once cold and WARM_RUNS times warm."""
    from sqlalchemy import select

    from backend.db.engine import create_engine, create_session_factory
    from backend.domain.reports.filters import build_filter
    from backend.domain.reports.tickets import ticket_report
    from backend.domain.staff.actions import principal_of
    from backend.domain.staff.models import User

    engine = create_engine(database_url)
    timings = []
    async with create_session_factory(engine)() as session:
        admin = principal_of(await session.scalar(select(User).where(User.login == "admin")))
        for _ in range(1 + WARM_RUNS):
            started = time.perf_counter()
            flt = build_filter(admin, first=PERIOD[0].isoformat(), last=PERIOD[1].isoformat())
            body = msgspec.json.encode(await ticket_report(session, admin, flt))
            timings.append(time.perf_counter() - started)
            await session.rollback()
    await engine.dispose()
    assert json.loads(body)["summary"]["created"] > 0
    return timings


def measure_report(database_url: str) -> dict:
    timings = asyncio.run(_report_seconds(database_url))
    return {"cold_seconds": timings[0], "warm_seconds": statistics.median(timings[1:]),
            "peak_rss_mb": peak_rss_mb()}


async def _facts(database_url: str) -> pl.DataFrame:
    from analytics.snapshots import decode_facts
    from backend.db.engine import create_engine, create_session_factory
    from backend.domain.reports.snapshots import snapshot_blobs
    from backend.domain.reports.tickets import FACT_COLUMNS

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        blobs = await snapshot_blobs(session, *PERIOD)
    await engine.dispose()
    return pl.concat([decode_facts(blob, FACT_COLUMNS) for blob in blobs])


def _median_seconds(work) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(ENGINE_RUNS):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def polars_aggregation(facts: pl.DataFrame) -> list[pl.DataFrame]:
    from analytics.ticket_report import breakdown, measures

    kept = facts.lazy()
    return pl.collect_all([kept.select(measures()),
                           *[breakdown(kept, key) for key in ("building_id", "category_id", "channel", "priority")]])


def _plain(facts: pl.DataFrame) -> pl.DataFrame:
    """Return the facts with enum columns cast to text, the form both SQL engines read."""
    return facts.with_columns(pl.col(pl.Enum).cast(pl.String))


def postgres_seconds(database_url: str, facts: pl.DataFrame) -> tuple[float, int]:
    from analytics import reader

    with reader.connect(database_url) as connection:
        with connection.cursor() as cursor:
            cursor.adbc_ingest("facts", _plain(facts).to_arrow(), mode="replace", temporary=True)
            cursor.execute("ANALYZE facts")

            def aggregate():
                cursor.execute(AGGREGATION_SQL)
                return cursor.fetch_arrow_table()

            seconds, table = _median_seconds(aggregate)
    return seconds, table.num_rows


def duckdb_seconds(facts: pl.DataFrame) -> tuple[float, int]:
    import duckdb

    connection = duckdb.connect()
    connection.register("facts", _plain(facts).to_arrow())
    seconds, table = _median_seconds(lambda: connection.execute(AGGREGATION_SQL).to_arrow_table())
    connection.close()
    return seconds, table.num_rows


def measure_engines(database_url: str) -> dict:
    facts = asyncio.run(_facts(database_url))
    polars, frames = _median_seconds(lambda: polars_aggregation(facts))
    duck, duck_rows = duckdb_seconds(facts)
    postgres, postgres_rows = postgres_seconds(database_url, facts)
    polars_rows = sum(frame.height for frame in frames)
    if not polars_rows == duck_rows == postgres_rows:
        raise SystemExit(f"the engines returned different row counts: {polars_rows}, {duck_rows}, {postgres_rows}")
    return {"facts": facts.height, "polars_seconds": polars, "duckdb_seconds": duck, "postgres_seconds": postgres}


if __name__ == "__main__":
    mode, url = sys.argv[1], sys.argv[2]
    result = measure_report(url) if mode == "report" else measure_engines(url)
    print(json.dumps(result), flush=True)

"""The request report over 5,000,000 tickets with their timelines: time end to end and peak memory.

Tickets and timelines are generated in PostgreSQL over the demo buildings (two years, 1% still open,
5% cancelled, some holds and reopens). The analytics job then writes the monthly snapshots, and a
fresh process computes the report over the whole two years, as `GET /api/v1/reports/tickets` does,
and reports its time and peak RSS. The same process times the report's aggregation (summary and
the four breakdowns) in Polars, in DuckDB and in PostgreSQL over the same fact rows.

Run: `python -m bench.reports [--tickets N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time

from bench.common import ROOT, report, scratch_database, sql

TICKETS = 5_000_000
TARGET_SECONDS = 5.0
TARGET_PEAK_MB = 2048

GENERATE_TICKETS = """
WITH b AS (SELECT array_agg(id ORDER BY id) AS ids FROM buildings),
     c AS (SELECT array_agg(id ORDER BY id) AS ids FROM service_categories),
     u AS (SELECT array_agg(id ORDER BY id) AS ids FROM users WHERE role = 'technician'),
     g AS (SELECT n, (n::bigint * 2654435761) % 1000 AS h,
                  now() - interval '730 days' * (1 - n::float8 / {tickets}) AS created
           FROM generate_series(1, {tickets}) AS n)
INSERT INTO tickets (building_id, channel, category_id, priority, status, description, created_at, updated_at,
                     response_due_at, resolution_due_at, responded_at, completed_at, closed_at, assignee_id,
                     rating, paused_minutes, version)
SELECT b.ids[1 + n % array_length(b.ids, 1)],
       (ARRAY['phone','app','portal','walk_in','email','concierge','staff'])[1 + h % 7],
       c.ids[1 + (n / 7) % array_length(c.ids, 1)],
       (ARRAY['emergency','urgent','normal','normal','normal','planned'])[1 + (h / 7) % 6],
       CASE WHEN n > {tickets} * 0.99 THEN (ARRAY['new','assigned','in_progress','on_hold'])[1 + n % 4]
            WHEN h < 50 THEN 'cancelled' ELSE 'closed' END,
       'Сгенерированная заявка', created, created + interval '1 day',
       created + interval '2 hours', created + interval '1 day',
       CASE WHEN h >= 50 THEN created + (h % 240) * interval '1 minute' END,
       CASE WHEN h >= 50 AND n <= {tickets} * 0.99 THEN created + (60 + (h * 7) % 2880) * interval '1 minute' END,
       CASE WHEN h >= 50 AND n <= {tickets} * 0.99 THEN created + interval '3 days' END,
       CASE WHEN h >= 50 THEN u.ids[1 + n % array_length(u.ids, 1)] END,
       CASE WHEN h >= 50 AND h % 5 < 2 AND n <= {tickets} * 0.99 THEN 1 + (h / 3) % 5 END,
       0, 1
FROM g, b, c, u
"""

# One row per step of each ticket's life; holds on tickets whose h is 50..99, reopens on 100..129.
GENERATE_TIMELINE = """
INSERT INTO ticket_timeline (ticket_id, at, kind, from_value, to_value, details)
SELECT id, created_at, 'created', NULL, 'new', '{}'::jsonb FROM tickets
UNION ALL
SELECT id, responded_at, 'status_changed', 'new', 'assigned', '{}' FROM tickets WHERE responded_at IS NOT NULL
UNION ALL
SELECT id, completed_at, 'status_changed', 'in_progress', 'completed', '{}' FROM tickets
WHERE completed_at IS NOT NULL
UNION ALL
SELECT id, responded_at + interval '10 minutes', 'status_changed', 'in_progress', 'on_hold', '{}' FROM tickets
WHERE completed_at IS NOT NULL AND id % 1000 BETWEEN 50 AND 99
UNION ALL
SELECT id, responded_at + interval '50 minutes', 'status_changed', 'on_hold', 'in_progress', '{}' FROM tickets
WHERE completed_at IS NOT NULL AND id % 1000 BETWEEN 50 AND 99
UNION ALL
SELECT id, completed_at - interval '30 minutes', 'reopened', 'completed', 'in_progress', '{}' FROM tickets
WHERE completed_at IS NOT NULL AND id % 1000 BETWEEN 100 AND 129
"""


def generate(database_url: str, tickets: int) -> float:
    """Seed the demo data and generate the tickets; return the seconds the generation took."""
    asyncio.run(_seed_demo(database_url))
    started = time.perf_counter()
    # Bulk load without per-row foreign-key triggers: every reference is drawn from existing rows.
    sql(database_url, "SET session_replication_role = replica; SET maintenance_work_mem = '512MB'; "
                      + GENERATE_TICKETS.format(tickets=tickets) + "; " + GENERATE_TIMELINE)
    sql(database_url, "VACUUM ANALYZE tickets")
    sql(database_url, "VACUUM ANALYZE ticket_timeline")
    return time.perf_counter() - started


async def _seed_demo(database_url: str) -> None:
    from backend.db.engine import create_engine, create_session_factory
    from backend.demo import seed_demo

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await seed_demo(session, "bench-password")
    await engine.dispose()


def run_job(database_url: str) -> float:
    from analytics.ticket_facts_job import run_ticket_facts

    started = time.perf_counter()
    summary = run_ticket_facts(database_url, full=True)
    if summary is None:
        raise SystemExit("another analytics run is active on the scratch database: drop it and run again")
    return time.perf_counter() - started


def child(mode: str, database_url: str) -> dict:
    """Run one measurement in a fresh interpreter, so its peak RSS is the report's alone."""
    finished = subprocess.run([sys.executable, "-m", "bench.reports_measure", mode, database_url], cwd=ROOT,
                              capture_output=True, text=True)
    if finished.returncode != 0:
        raise SystemExit(f"bench.reports_measure {mode} failed:\n{finished.stderr[-3000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=TICKETS, help="tickets to generate (default 5,000,000)")
    arguments = parser.parse_args()

    with scratch_database("domovoy_bench_reports") as database_url:
        generation = generate(database_url, arguments.tickets)
        job = run_job(database_url)
        measured = child("report", database_url)
        engines = child("engines", database_url)

    report("reports", "request report over all tickets, end to end (warm median)", measured["warm_seconds"], "s",
           TARGET_SECONDS, engines["postgres_seconds"], tickets=arguments.tickets,
           cold_seconds=round(measured["cold_seconds"], 3), peak_rss_mb=round(measured["peak_rss_mb"]),
           target_peak_mb=TARGET_PEAK_MB, polars_seconds=round(engines["polars_seconds"], 3),
           duckdb_seconds=round(engines["duckdb_seconds"], 3), postgres_seconds=round(engines["postgres_seconds"], 3),
           polars_to_postgres=round(engines["polars_seconds"] / engines["postgres_seconds"], 3),
           polars_to_duckdb=round(engines["polars_seconds"] / engines["duckdb_seconds"], 3),
           generation_seconds=round(generation, 1), job_seconds=round(job, 1),
           baseline_is="the summary and four breakdowns aggregated by PostgreSQL over a table of the same facts")


if __name__ == "__main__":
    main()

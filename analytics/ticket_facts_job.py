"""The analytics job that keeps the ticket-fact snapshots up to date.

A run claims a row in `report_runs`: a request made from the dashboard, or a new scheduled run.
It finds the UTC months whose tickets changed since the previous successful run. Then it rewrites
the snapshot of each such month from `tickets` and `ticket_timeline`. The partial
unique index on active runs lets only one run of a kind work at a time, across all workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import polars as pl
import psycopg
import structlog

from analytics import reader
from analytics.snapshots import TICKET_FACTS, encode_facts, next_month
from analytics.ticket_facts import TICKET_COLUMNS, TIMELINE_COLUMNS, compute_facts
from backend.domain.reports.models import RunMode, RunStatus

log = structlog.get_logger(__name__)

CHANGE_OVERLAP = timedelta(minutes=10)
"""How far before the previous run's start changes are looked for again. `updated_at` is set when
a transaction writes, not when it commits, so a ticket written during that run may become
visible only later. A write transaction is assumed to take less than this."""

STALE_RUN = timedelta(hours=2)
"""A run still `running` after this long is taken to have died with its worker."""

BUILDINGS_SQL = "SELECT id, time_zone, working_hours::text AS working_hours FROM buildings"

TICKETS_SQL = (f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets "
               "WHERE created_at >= $1 AND created_at < $2")

# Only entries that start or end a hold, and reopens, change the facts.
TIMELINE_SQL = (f"SELECT {', '.join('e.' + column for column in TIMELINE_COLUMNS)} "
                "FROM ticket_timeline e JOIN tickets t ON t.id = e.ticket_id "
                "WHERE t.created_at >= $1 AND t.created_at < $2 AND (e.kind = 'reopened' OR "
                "(e.kind = 'status_changed' AND (e.from_value = 'on_hold' OR e.to_value = 'on_hold')))")


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    mode: str
    months: int
    tickets: int
    seconds: float


@dataclass(frozen=True)
class _ClaimedRun:
    id: int
    mode: str
    changed_since: datetime | None


def run_ticket_facts(database_url: str, *, full: bool = False, now: datetime | None = None) -> RunSummary | None:
    """Run the job once; return None when another run of it is active.

    A pending request from the dashboard is taken first. Otherwise a new run starts, in full
    mode when `full` is set or when no run has succeeded yet.
    """
    started = time.perf_counter()
    with psycopg.connect(reader.libpq_url(database_url)) as pg, reader.connect(database_url) as arrow:
        run = _claim(pg, full)
        if run is None:
            log.info("report_run_skipped", kind=TICKET_FACTS, reason="another run is active")
            return None
        log.info("report_run_started", kind=TICKET_FACTS, run_id=run.id, mode=run.mode)
        try:
            months, tickets = _rewrite_changed_months(pg, arrow, run, now or datetime.now(timezone.utc))
        except Exception as error:
            _finish(pg, run.id, RunStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000])
            log.exception("report_run_failed", kind=TICKET_FACTS, run_id=run.id)
            raise
        _finish(pg, run.id, RunStatus.DONE, months=months, tickets=tickets)

    summary = RunSummary(run.id, run.mode, months, tickets, time.perf_counter() - started)
    log.info("report_run_finished", kind=TICKET_FACTS, run_id=run.id, mode=run.mode, months=months,
             tickets=tickets, seconds=round(summary.seconds, 2))
    return summary


def _claim(pg: psycopg.Connection, full: bool) -> _ClaimedRun | None:
    pg.execute("UPDATE report_runs SET status = %s, finished_at = now(), error = %s "
               "WHERE kind = %s AND status = %s AND started_at < now() - %s",
               (RunStatus.FAILED, "abandoned: the worker stopped", TICKET_FACTS, RunStatus.RUNNING, STALE_RUN))
    claimed = pg.execute(
        "UPDATE report_runs SET status = %s, started_at = now() WHERE id = (SELECT id FROM report_runs "
        "WHERE kind = %s AND status = %s ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id, mode",
        (RunStatus.RUNNING, TICKET_FACTS, RunStatus.REQUESTED)).fetchone()
    if claimed is None:
        claimed = pg.execute(
            "INSERT INTO report_runs (kind, mode, status, requested_at, started_at, months, tickets) "
            "VALUES (%s, %s, %s, now(), now(), 0, 0) ON CONFLICT (kind) WHERE status IN ('requested', 'running') "
            "DO NOTHING RETURNING id, mode",
            (TICKET_FACTS, RunMode.FULL if full else RunMode.INCREMENTAL, RunStatus.RUNNING)).fetchone()
    if claimed is None:
        pg.commit()
        return None

    run_id, mode = claimed
    changed_since = None if mode == RunMode.FULL else _changed_since(pg)
    mode = RunMode.FULL if changed_since is None else RunMode.INCREMENTAL
    pg.execute("UPDATE report_runs SET mode = %s, changed_since = %s WHERE id = %s", (mode, changed_since, run_id))
    pg.commit()
    return _ClaimedRun(run_id, mode, changed_since)


def _changed_since(pg: psycopg.Connection) -> datetime | None:
    previous = pg.execute("SELECT max(started_at) FROM report_runs WHERE kind = %s AND status = %s",
                          (TICKET_FACTS, RunStatus.DONE)).fetchone()[0]
    return None if previous is None else previous - CHANGE_OVERLAP


def _changed_months(pg: psycopg.Connection, changed_since: datetime | None) -> list[date]:
    query = "SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM tickets"
    if changed_since is None:
        return sorted(month for (month,) in pg.execute(query))
    return sorted(month for (month,) in pg.execute(query + " WHERE updated_at >= %s", (changed_since,)))


def _rewrite_changed_months(pg: psycopg.Connection, arrow, run: _ClaimedRun, now: datetime) -> tuple[int, int]:
    months = _changed_months(pg, run.changed_since)
    buildings = reader.read_frame(arrow, BUILDINGS_SQL)
    tickets = 0
    for month in months:
        tickets += rewrite_month(pg, arrow, month, buildings, run.id, now)
    return len(months), tickets


def rewrite_month(pg: psycopg.Connection, arrow, month: date, buildings: pl.DataFrame, run_id: int,
                  now: datetime) -> int:
    """Recompute the facts of the tickets created in `month` and store them; return their count."""
    bounds = (_utc_midnight(month), _utc_midnight(next_month(month)))
    tickets = reader.read_frame(arrow, TICKETS_SQL, bounds)
    timeline = reader.read_frame(arrow, TIMELINE_SQL, bounds)
    facts = compute_facts(tickets, timeline, buildings, now)

    pg.execute("INSERT INTO report_snapshots (kind, month, run_id, rows, data, written_at) "
               "VALUES (%s, %s, %s, %s, %s, now()) ON CONFLICT (kind, month) DO UPDATE SET "
               "run_id = excluded.run_id, rows = excluded.rows, data = excluded.data, written_at = now()",
               (TICKET_FACTS, month, run_id, facts.height, encode_facts(facts)))
    pg.commit()
    return facts.height


def _finish(pg: psycopg.Connection, run_id: int, status: str, *, months: int = 0, tickets: int = 0,
            error: str | None = None) -> None:
    pg.rollback()
    pg.execute("UPDATE report_runs SET status = %s, finished_at = now(), months = %s, tickets = %s, error = %s "
               "WHERE id = %s", (status, months, tickets, error, run_id))
    pg.commit()


def _utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)

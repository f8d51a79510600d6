"""The worker's analytics loop: run the jobs on a schedule, and at once when the dashboard asks."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import asyncpg
import psycopg
import structlog

from analytics import reader
from analytics.snapshots import TICKET_FACTS
from analytics.ticket_facts_job import run_ticket_facts
from backend.domain.reports.models import RunMode, RunStatus
from backend.domain.reports.snapshots import REFRESH_CHANNEL

log = structlog.get_logger(__name__)

RUN_EVERY = timedelta(minutes=5)
"""Scheduled incremental runs; the dashboard shows the time its data is from."""

FULL_RUN_EVERY = timedelta(hours=24)
"""A full run also picks up changes no ticket's `updated_at` shows, such as new working hours."""

RETRY_AFTER_FAILURE = timedelta(minutes=1)


async def run_report_jobs(database_url: str) -> None:
    """Run until cancelled. A NOTIFY on `report_runs` wakes the loop before its next scheduled run."""
    wake = asyncio.Event()
    listener = await asyncpg.connect(reader.libpq_url(database_url))
    await listener.add_listener(REFRESH_CHANNEL, lambda *_: wake.set())
    log.info("report_jobs_started", every_seconds=RUN_EVERY.total_seconds())
    try:
        while True:
            wake.clear()
            pause = await _run_once(database_url)
            try:
                await asyncio.wait_for(wake.wait(), timeout=pause.total_seconds())
            except TimeoutError:
                pass
    finally:
        await listener.close()
        log.info("report_jobs_stopped")


async def _run_once(database_url: str) -> timedelta:
    """Run the ticket-facts job once; return how long to wait before the next run."""
    try:
        full = await asyncio.to_thread(full_run_due, database_url)
        await asyncio.to_thread(run_ticket_facts, database_url, full=full)
    except Exception:  # a failed run is recorded in report_runs; the loop must outlive it
        log.exception("report_jobs_retry", retry_in_seconds=RETRY_AFTER_FAILURE.total_seconds())
        return RETRY_AFTER_FAILURE
    return RUN_EVERY


def full_run_due(database_url: str, now: datetime | None = None) -> bool:
    now = now or datetime.now(timezone.utc)
    with psycopg.connect(reader.libpq_url(database_url)) as pg:
        last_full = pg.execute("SELECT max(started_at) FROM report_runs WHERE kind = %s AND status = %s "
                               "AND mode = %s", (TICKET_FACTS, RunStatus.DONE, RunMode.FULL)).fetchone()[0]
    return last_full is None or now - last_full > FULL_RUN_EVERY

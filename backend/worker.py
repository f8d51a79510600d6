"""The worker process: background jobs that must not run inside a web request."""

from __future__ import annotations

import asyncio
import signal

import structlog

from backend.db.engine import create_engine, create_session_factory
from backend.settings import Settings

log = structlog.get_logger(__name__)


async def run_worker(settings: Settings, database_url: str) -> None:
    """Run the background jobs until SIGINT or SIGTERM."""
    engine = create_engine(database_url)
    session_factory = create_session_factory(engine)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    log.info("worker_started")
    try:
        async with asyncio.TaskGroup() as tasks:
            for job in worker_jobs(settings, session_factory):
                tasks.create_task(job)
            tasks.create_task(_stop_all(stop))
    except* asyncio.CancelledError:
        pass
    finally:
        await engine.dispose()
        log.info("worker_stopped")


def worker_jobs(settings: Settings, session_factory) -> list:
    """Return the coroutines of every background job; areas add theirs here."""
    return []


async def _stop_all(stop: asyncio.Event) -> None:
    await stop.wait()
    raise asyncio.CancelledError

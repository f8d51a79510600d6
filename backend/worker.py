"""The worker process: background jobs that must not run inside a web request."""

from __future__ import annotations

import asyncio
import signal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from analytics.schedule import run_report_jobs
from backend.db.engine import create_engine, create_session_factory
from backend.integrations.push_notifications import run_push_dispatcher
from backend.realtime.channels import create_backend
from backend.realtime.relay import OutboxRelay, Publish
from backend.settings import Settings
from backend.telephony.job import run_telephony

log = structlog.get_logger(__name__)


class WorkerContext:
    """What every background job may use."""

    def __init__(self, settings: Settings, database_url: str, session_factory: async_sessionmaker[AsyncSession],
                 publish: Publish) -> None:
        self.settings = settings
        self.database_url = database_url
        self.session_factory = session_factory
        self.publish = publish
        self.relay: OutboxRelay | None = None


DEADLINE_CHECK_INTERVAL = 30.0  # seconds between deadline-breach and auto-close runs


def worker_jobs(context: WorkerContext) -> list:
    """Return the coroutines of every background job; areas add theirs here."""
    context.relay = OutboxRelay(context.session_factory, context.database_url, context.publish)
    return [context.relay.run(), periodic("ticket_deadlines", DEADLINE_CHECK_INTERVAL, _ticket_deadlines, context),
            run_telephony(context.settings, context.session_factory, context.database_url),
            run_push_dispatcher(context.settings, context.session_factory),
            run_report_jobs(context.database_url)]


async def periodic(name: str, interval: float, job, context: WorkerContext) -> None:
    """Run `job(context)` every `interval` seconds; a failed run is logged and the next one still runs."""
    while True:
        try:
            await job(context)
        except Exception:  # noqa: BLE001 - one failed run must not stop the schedule
            log.exception("job_failed", job=name)
        await asyncio.sleep(interval)


async def _ticket_deadlines(context: WorkerContext) -> None:
    from backend.db.base import utcnow
    from backend.domain.tickets.jobs import do_close_completed, do_flag_breaches

    async with context.session_factory() as session:
        breached = await do_flag_breaches(session, utcnow())
        closed = await do_close_completed(session, utcnow(), context.settings.ticket_auto_close_days)
        await session.commit()
    if breached or closed:
        log.info("ticket_deadlines_checked", breached=breached, closed=closed)


async def run_worker(settings: Settings, database_url: str) -> None:
    """Run the background jobs in their own process until SIGINT or SIGTERM."""
    if settings.redis_url is None:
        log.warning("worker_without_redis", hint="without REDIS_URL events reach only this process; "
                                                 "use `domovoy run` or set REDIS_URL")
    engine = create_engine(database_url)
    backend = create_backend(settings.redis_url)
    await backend.on_startup()
    context = WorkerContext(settings, database_url, create_session_factory(engine), backend.publish)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stop.set)
    log.info("worker_started")
    tasks = [asyncio.create_task(job) for job in worker_jobs(context)]
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await backend.on_shutdown()
        await engine.dispose()
        log.info("worker_stopped")

"""The call desk: feeds AMI events to the call tracker and stores what it produces.

AMI callbacks are synchronous, so the desk only queues work there. One task writes the queue
to the database in arrival order, each item in its own transaction. So a ring is stored and
popped before the call's finish. Click-to-call bookkeeping, queued right after the Originate
was sent, lands before any event of the call it started.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import structlog
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.domain.calls.actions import do_close_vanished_calls, do_record_call, do_ring
from backend.telephony.ami import LiveSnapshot
from backend.telephony.channels import utc_now
from backend.telephony.records import CallFinished, Ringing, TrackerOutput
from backend.telephony.tracker import CallTracker

log = structlog.get_logger(__name__)

Job = Callable[[AsyncSession], Awaitable[Any]]
"""A database write that runs in the desk's order, in its own transaction."""

FINISH_ATTEMPTS = 5
"""Tries to store a finished call while the database is unreachable. A ring is tried once,
because a screen pop that comes late is of no use."""
RETRY_DELAY = 1.0  # seconds, doubled after each failed try


class CallDesk:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], tracker: CallTracker | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.session_factory = session_factory
        self.tracker = tracker or CallTracker()
        self._today = today
        self._queue: asyncio.Queue[tuple[str, Job]] = asyncio.Queue()
        self.stored = 0
        """Queue items written so far."""

    def on_event(self, event: dict[str, Any]) -> None:
        """AmiClient `on_event` callback."""
        self._enqueue_outputs(self.tracker.feed(event))

    def on_resync(self, snapshot: LiveSnapshot) -> None:
        """AmiClient `on_resync` callback: catch up with the live channels after a (re)connect."""
        self._enqueue_outputs(self.tracker.resync(snapshot.channels, snapshot.queue_status, snapshot.timestamp))
        live = {call.linkedid for call in self.tracker.live_calls()}
        at = utc_now()
        self.submit("close_vanished", lambda session: do_close_vanished_calls(session, live, at))

    def submit(self, name: str, job: Job) -> None:
        """Queue a write behind everything queued so far."""
        self._queue.put_nowait((name, job))

    async def drain(self) -> None:
        """Wait until every queued item is written (or has failed)."""
        await self._queue.join()

    async def run(self) -> None:
        """Write queued items until cancelled."""
        while True:
            name, job = await self._queue.get()
            try:
                await self._write(name, job)
            finally:
                self._queue.task_done()

    def _enqueue_outputs(self, outputs: list[TrackerOutput]) -> None:
        for output in outputs:
            if isinstance(output, Ringing):
                self.submit("ring", lambda session, ringing=output: do_ring(session, ringing, self._today()))
            elif isinstance(output, CallFinished):
                self.submit("call_finished", lambda session, record=output.record: do_record_call(session, record))

    async def _write(self, name: str, job: Job) -> None:
        attempts = FINISH_ATTEMPTS if name == "call_finished" else 1
        delay = RETRY_DELAY
        for attempt in range(1, attempts + 1):
            try:
                async with self.session_factory() as session:
                    await job(session)
                    await session.commit()
                self.stored += 1
                return
            except (OSError, OperationalError, InterfaceError) as error:
                log.warning("call_desk_write_failed", job=name, attempt=attempt, error=type(error).__name__)
            except Exception:
                log.exception("call_desk_job_failed", job=name)
                return
            if attempt < attempts:
                await asyncio.sleep(delay)
                delay *= 2
        log.error("call_desk_write_dropped", job=name, attempts=attempts)

"""The outbox relay: numbers committed events in commit order and publishes them to channels.

Exactly one relay runs at a time (a PostgreSQL advisory lock), so `seq` has a single writer.
It wakes on the NOTIFY that committing transactions send, and polls as a fallback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.db.base import utcnow
from backend.db.urls import asyncpg_dsn
from backend.realtime.channels import channels_for_event
from backend.realtime.envelope import Envelope, encode_envelope, envelope_of, latest_seq
from backend.realtime.models import OutboxEvent
from backend.realtime.outbox import NOTIFY_CHANNEL

log = structlog.get_logger(__name__)

RELAY_LOCK_ID = 0x646F6D6F  # advisory lock key held by the active relay ("domo")
BATCH_SIZE = 500  # events numbered per transaction
POLL_INTERVAL = 1.0  # seconds between checks when no NOTIFY arrives
RETRY_DELAY = 2.0  # seconds before reconnecting after a database error

Publish = Callable[[bytes, list[str]], Awaitable[None]]


class OutboxRelay:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], database_url: str,
                 publish: Publish) -> None:
        self.session_factory = session_factory
        self.database_url = database_url
        self.publish = publish
        self.wake = asyncio.Event()
        self.active = asyncio.Event()
        """Set once this relay holds the lock and listens; tests wait on it."""

    async def run(self) -> None:
        """Relay until cancelled, reconnecting after database errors."""
        while True:
            try:
                await self._run_connected()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self.active.clear()
                log.warning("relay_connection_lost", error=type(error).__name__, retry_in=RETRY_DELAY)
                await asyncio.sleep(RETRY_DELAY)

    async def _run_connected(self) -> None:
        connection = await asyncpg.connect(asyncpg_dsn(self.database_url))
        try:
            await self._take_lock(connection)
            await connection.add_listener(NOTIFY_CHANNEL, self._on_notify)
            self.active.set()
            log.info("relay_started")
            await self.publish_unsent()
            while True:
                self.wake.clear()
                if await self.relay_batch() < BATCH_SIZE:
                    await self._sleep_until_woken(connection)
        finally:
            self.active.clear()
            await connection.close()

    async def _take_lock(self, connection: asyncpg.Connection) -> None:
        while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_ID):
            await asyncio.sleep(RETRY_DELAY)

    def _on_notify(self, *_args: object) -> None:
        self.wake.set()

    async def _sleep_until_woken(self, connection: asyncpg.Connection) -> None:
        try:
            await asyncio.wait_for(self.wake.wait(), POLL_INTERVAL)
        except TimeoutError:
            await connection.execute("SELECT 1")  # detects a dropped connection between wake-ups

    async def relay_batch(self) -> int:
        """Number the oldest committed, unnumbered events, then publish them; return how many."""
        envelopes = await self._number_batch()
        await self._publish(envelopes)
        return len(envelopes)

    async def _number_batch(self) -> list[Envelope]:
        async with self.session_factory() as session:
            events = (await session.scalars(select(OutboxEvent).where(OutboxEvent.seq.is_(None))
                                            .order_by(OutboxEvent.id).limit(BATCH_SIZE)
                                            .with_for_update())).all()
            if not events:
                return []
            next_seq = await latest_seq(session) + 1
            for offset, event in enumerate(events):
                event.seq = next_seq + offset
            envelopes = [envelope_of(event) for event in events]
            await session.commit()
        return envelopes

    async def publish_unsent(self) -> None:
        """Publish events numbered before a crash but never marked published."""
        async with self.session_factory() as session:
            events = (await session.scalars(select(OutboxEvent).where(OutboxEvent.seq.is_not(None),
                                                                      OutboxEvent.published_at.is_(None))
                                            .order_by(OutboxEvent.seq))).all()
        if events:
            log.info("relay_republishing", count=len(events))
        await self._publish([envelope_of(event) for event in events])

    async def _publish(self, envelopes: list[Envelope]) -> None:
        if not envelopes:
            return
        for envelope in envelopes:
            await self.publish(encode_envelope(envelope), channels_for_event(envelope.building_id, envelope.user_id))
        async with self.session_factory() as session:
            await session.execute(update(OutboxEvent).where(OutboxEvent.seq.between(envelopes[0].id, envelopes[-1].id))
                                  .values(published_at=utcnow()))
            await session.commit()


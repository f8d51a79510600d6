"""The worker path of telephony: AMI simulator → AmiClient → CallTracker → call desk → PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from backend.domain.calls.models import Call
from backend.realtime.models import OutboxEvent
from backend.telephony.job import AmiAccount, TelephonyJob
from backend.telephony.simulator import AmiSimulator
from tests.live import settings_with
from tests.telephony.conftest import FAST, SECRET, USERNAME


class Telephony:
    """A running telephony job of the worker, connected to `simulator`."""

    def __init__(self, simulator: AmiSimulator, job: TelephonyJob, task: asyncio.Task[None]) -> None:
        self.simulator = simulator
        self.job = job
        self.task = task

    async def settle(self) -> None:
        """Wait until every replayed event is handled and everything it produced is stored.

        The Pong comes after every event sent before it, and the desk writes in arrival order.
        """
        await self.simulator.wait_replayed()
        await self.job.client.send_action({"Action": "Ping"})
        await self.job.desk.drain()

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.simulator.stop()


TelephonyFactory = Callable[..., Awaitable[Telephony]]


@pytest.fixture
async def start_telephony(db, session_factory, database_url, settings) -> AsyncIterator[TelephonyFactory]:
    """Start the worker's telephony job against a simulator; the job is stopped after the test."""
    running: list[Telephony] = []

    async def start(simulator: AmiSimulator, **setting_changes: Any) -> Telephony:
        if simulator.port == 0:
            await simulator.start()
        account = AmiAccount(host="127.0.0.1", port=simulator.port, username=USERNAME, secret=SECRET)
        job = TelephonyJob(settings_with(settings, **setting_changes), session_factory, database_url, account,
                           timing=FAST)
        telephony = Telephony(simulator, job, asyncio.create_task(job.run()))
        running.append(telephony)
        await asyncio.wait_for(job.active.wait(), 10)
        await job.client.wait_ready()
        return telephony

    yield start
    for telephony in running:
        await telephony.stop()


async def stored_calls(session_factory) -> list[Call]:
    async with session_factory() as session:
        return list((await session.scalars(select(Call).order_by(Call.id))).all())


async def outbox_events(session_factory, event_type: str) -> list[OutboxEvent]:
    async with session_factory() as session:
        return list((await session.scalars(select(OutboxEvent).where(OutboxEvent.type == event_type)
                                           .order_by(OutboxEvent.id))).all())

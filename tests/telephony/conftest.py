"""A pipeline of the real parts: AMI simulator → panoramisk-based AmiClient → CallTracker."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backend.telephony.ami import AmiClient, AmiTiming, LiveSnapshot, OriginateResult
from backend.telephony.records import CallFinished, CallRecord, Ringing, TrackerOutput
from backend.telephony.simulator import AmiSimulator, load_capture
from backend.telephony.tracker import CallTracker

CAPTURES = Path(__file__).resolve().parents[2] / "data" / "ami"
USERNAME = "domovoy"
SECRET = "s3cret"
ORIGIN = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
"""Timestamp of timeline event 0; event i is stamped one second per index later."""
CLOCK_NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
"""What the tracker's clock returns; it dates only events that carry no Timestamp."""
FAST = AmiTiming(connect_timeout=2.0, ping_interval=30.0, ping_timeout=2.0, retry_initial=0.01,
                 retry_max=0.05)


def at(index: int) -> datetime:
    """The Timestamp the simulator gives timeline event `index`."""
    return ORIGIN + timedelta(seconds=index)


def capture(name: str) -> list[dict[str, Any]]:
    return load_capture(CAPTURES / f"{name}.json")


def simulator(events: Iterable[Mapping[str, Any]] = (), **options: Any) -> AmiSimulator:
    return AmiSimulator(events, username=USERNAME, secret=SECRET, timestamp_origin=ORIGIN.timestamp(),
                        **options)


class Pipeline:
    """Events flow from the simulator through a real AmiClient into a CallTracker."""

    def __init__(self, simulator: AmiSimulator, timing: AmiTiming = FAST, secret: str = SECRET) -> None:
        self.simulator = simulator
        self.tracker = CallTracker(clock=lambda: CLOCK_NOW)
        self.outputs: list[TrackerOutput] = []
        self.events: list[dict[str, Any]] = []
        self.snapshots: list[LiveSnapshot] = []
        self.originate_results: list[OriginateResult] = []
        self._timing = timing
        self._secret = secret
        self.client: AmiClient | None = None

    async def start(self, wait: bool = True) -> None:
        if self.simulator.port == 0:
            await self.simulator.start()
        self.client = AmiClient("127.0.0.1", self.simulator.port, USERNAME, self._secret,
                                on_event=self._on_event, on_resync=self._on_resync,
                                on_originate_result=self.originate_results.append, timing=self._timing)
        await self.client.start()
        if wait:
            await self.client.wait_ready()

    async def settle(self) -> None:
        """Wait until the client has handled every replayed event: the Pong comes after them."""
        await self.simulator.wait_replayed()
        await self.client.send_action({"Action": "Ping"})

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.stop()
        await self.simulator.stop()

    @property
    def records(self) -> list[CallRecord]:
        return [output.record for output in self.outputs if isinstance(output, CallFinished)]

    @property
    def rings(self) -> list[Ringing]:
        return [output for output in self.outputs if isinstance(output, Ringing)]

    def _on_event(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        self.outputs.extend(self.tracker.feed(event))

    def _on_resync(self, snapshot: LiveSnapshot) -> None:
        self.snapshots.append(snapshot)
        self.outputs.extend(self.tracker.resync(snapshot.channels, snapshot.queue_status, snapshot.timestamp))


PipelineFactory = Callable[..., Awaitable[Pipeline]]


@pytest.fixture
async def make_pipeline() -> AsyncIterator[PipelineFactory]:
    pipelines: list[Pipeline] = []

    async def make(sim: AmiSimulator, wait: bool = True, **options: Any) -> Pipeline:
        pipeline = Pipeline(sim, **options)
        pipelines.append(pipeline)
        await pipeline.start(wait=wait)
        return pipeline

    yield make
    for pipeline in pipelines:
        await pipeline.stop()

"""Sample calls for the demo: an in-process AMI simulator replays captured calls to the worker.

The captures in `data/ami/` are real Asterisk traffic from a Dutch test platform. For the demo,
each replayed call gets fresh channel ids and a caller number from the demo clients' block
(+7 999 000-xx-xx) or an unknown number. It may also ring another extension, so that the demo
dispatchers (extensions 150010001 and 150010002) see screen pops.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.settings import Settings
from backend.telephony.simulator import AmiSimulator, load_capture

log = structlog.get_logger(__name__)

CAPTURES = Path(__file__).resolve().parents[2] / "data" / "ami"
CAPTURE_CALLER = "+31150010001"
"""The outside caller of the inbound captures."""
CAPTURE_AGENT = "150010002"
"""The first phone the inbound queue captures ring."""
DEMO_USERNAME = "demo"
DEMO_SECRET = "demo"
DEMO_PACE = 0.25  # seconds between replayed events: a call takes 10 to 20 seconds
PAUSE_EVENTS = 60  # idle events between two calls: PAUSE_EVENTS * DEMO_PACE seconds of quiet
DEMO_ROUNDS = 400  # calls in the timeline, a few hours of demo
UNKNOWN_NUMBER = "89990999999"
"""In the demo block but owned by no demo client: shows the pop for an unknown caller."""
IDLE_EVENT = {"Event": "PeerStatus", "Privilege": "system,all", "ChannelType": "SIP", "Peer": "SIP/150010001",
              "PeerStatus": "Reachable", "Time": "12"}

SCENARIOS = [
    # (capture, ringing extension instead of CAPTURE_AGENT, whether a demo client calls)
    ("queue/queue_simple", "150010001", True),
    ("queue/queue_simple", "150010002", False),
    ("queue/queue_a_cancel", "150010001", True),
    ("simple/a_created_no_answer", None, True),
    ("queue/queue_simple", "150010002", True),
]
"""The demo's call mix: answered, unknown caller, abandoned in queue, missed without ringing.
Call number i of the timeline comes from demo client `first_client + i`, or from UNKNOWN_NUMBER."""


def demo_client_number(client_id: int) -> str:
    """Return the caller id of demo client `client_id` as a Russian phone sends it: `89990000001`."""
    return f"8999{client_id:07d}"


def rename_call(events: list[Mapping[str, Any]], *, prefix: str, caller: str | None = None,
                agent: str | None = None) -> list[dict[str, Any]]:
    """Return a capture as a new call: `prefix` before every channel id, another caller, another agent."""
    renamed = []
    for event in events:
        copy: dict[str, Any] = {}
        for key, value in event.items():
            if _is_channel_id(key, value):
                value = prefix + value
            elif caller is not None and value == CAPTURE_CALLER:
                value = caller
            elif agent is not None and isinstance(value, str):
                value = value.replace(CAPTURE_AGENT, agent)
            copy[key] = value
        renamed.append(copy)
    return renamed


def _is_channel_id(key: str, value: Any) -> bool:
    """Tell whether the header is a Uniqueid or Linkedid with a value, `<null>` excepted."""
    is_id_key = key.endswith("Uniqueid") or key.endswith("Linkedid")
    return is_id_key and isinstance(value, str) and bool(value) and not value.startswith("<")


def demo_timeline(rounds: int = DEMO_ROUNDS, first_client: int = 1) -> list[dict[str, Any]]:
    captures = {name: load_capture(CAPTURES / f"{name}.json") for name, _, _ in SCENARIOS}
    timeline: list[dict[str, Any]] = []
    for index, (name, agent, known) in zip(range(rounds), itertools.cycle(SCENARIOS)):
        caller = demo_client_number(first_client + index) if known else UNKNOWN_NUMBER
        timeline += rename_call(captures[name], prefix=f"demo{index}x", caller=caller, agent=agent)
        timeline += [dict(IDLE_EVENT) for _ in range(PAUSE_EVENTS)]
    return timeline


@contextlib.asynccontextmanager
async def demo_simulator() -> AsyncIterator[AmiSimulator]:
    simulator = AmiSimulator(demo_timeline(), username=DEMO_USERNAME, secret=DEMO_SECRET, pace=DEMO_PACE)
    await simulator.start("127.0.0.1", 0)
    try:
        yield simulator
    finally:
        await simulator.stop()


async def run_with_demo_calls(settings: Settings, session_factory: async_sessionmaker[AsyncSession],
                              database_url: str) -> None:
    """Run the telephony job against an in-process simulator replaying the demo calls."""
    from backend.telephony.job import AmiAccount, TelephonyJob

    async with demo_simulator() as simulator:
        log.info("demo_calls_started", port=simulator.port, events=simulator.timeline_length)
        account = AmiAccount(host="127.0.0.1", port=simulator.port, username=DEMO_USERNAME, secret=DEMO_SECRET)
        await TelephonyJob(settings, session_factory, database_url, account).run()

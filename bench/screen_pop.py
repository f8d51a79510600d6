"""AMI DialBegin → screen pop on the user's WebSocket: p99 latency with 1,000,000 client phone numbers.

Production shape: `domovoy serve` and `domovoy worker` run as separate processes on Redis. The worker
keeps the AMI session to an AMI simulator in this process, and the ringing user's WebSocket is a client
in this process too. Each sample is one inbound call from a client's number: the clock starts when the
simulator releases the DialBegin that rings the user's extension and stops when `call.ringing` arrives
on the WebSocket. The rest of each call (answer, hang-up, the stored record) is replayed before the
next sample, so the worker is idle when the next ring starts. The baseline is the database look-up
alone: the indexed `client_phones.e164` query, sent over asyncpg to the same database in the same run.
"""

from __future__ import annotations

import asyncio
import json
import os
import time

import asyncpg
import websockets

from bench.common import app_processes, percentile, report, run, scratch_database, sql
from backend.db.urls import asyncpg_dsn
from backend.telephony.demo_calls import rename_call
from backend.telephony.simulator import AmiSimulator
from tests.telephony.conftest import capture

PHONES = 1_000_000
CALLERS = 2_000  # clients with a flat and an open ticket; the callers are drawn from them
SAMPLES = 300
WARM_UP = 20  # calls before measuring: they fill connection pools and caches
TARGET_P99_MS = 50.0
AGENT = "150010002"
"""The extension the queue capture rings first; the benchmark user answers it."""
RING_INDEX = 30
"""Index of the DialBegin that rings AGENT in queue/queue_simple."""
AMI_USER, AMI_SECRET = "bench", "bench-secret"


def _caller(client_id: int) -> str:
    return f"+7999{client_id:07d}"


def _load_phones(database_url: str) -> None:
    """Insert PHONES clients with one phone number each."""
    sql(database_url, f"""
        INSERT INTO clients (kind, last_name, first_name, patronymic, created_at, updated_at)
        SELECT 'person', 'Образцов', 'Иван', 'Петрович', now(), now() FROM generate_series(1, {PHONES});
        INSERT INTO client_phones (client_id, e164, kind)
        SELECT id, '+7999' || lpad(id::text, 7, '0'), 'mobile' FROM clients;""")


async def _setup(database_url: str) -> str:
    """Give the first CALLERS clients a flat, every fourth of them an open ticket; return the user's token."""
    from sqlalchemy import insert, select

    from backend.db.engine import create_engine, create_session_factory
    from backend.domain.buildings.models import Premise
    from backend.domain.clients.models import ClientPremise
    from backend.domain.staff.actions import principal_of
    from backend.domain.tickets.actions import NewTicket, do_create_ticket
    from tests.factories import Factory, default_catalog

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        factory = Factory(session)
        building = await factory.building(entrances=4, floors=25, flats_per_floor=20)
        premises = list((await session.scalars(select(Premise.id).where(Premise.building_id == building.id)
                                               .order_by(Premise.id))).all())
        await session.execute(insert(ClientPremise), [
            {"client_id": client_id, "premise_id": premises[client_id % len(premises)], "role": "owner"}
            for client_id in range(1, CALLERS + 1)])
        await session.commit()
        user = await factory.user("dispatcher", all_buildings=True, extension=AGENT)
        categories = await default_catalog(session)
        for client_id in range(1, CALLERS + 1, 4):
            await do_create_ticket(session, principal_of(user), NewTicket(
                building_id=building.id, premise_id=premises[client_id % len(premises)], client_id=client_id,
                category_id=categories["plumbing"], description="Течь под раковиной"))
        await session.commit()
        token = await factory.token(user)
    await engine.dispose()
    sql(database_url, "ANALYZE")
    return token


def _timeline(rounds: int) -> tuple[list[dict], int]:
    """Calls from clients 1, 5, 9 …; return the events and the length of one call."""
    call = capture("queue/queue_simple")
    events = []
    for index in range(rounds):
        client_id = 1 + (index * 4) % CALLERS
        events += rename_call(call, prefix=f"bench{index}x", caller="8" + _caller(client_id)[2:])
    return events, len(call)


async def _next_message(connection, wanted: str, deadline: float = 10.0) -> tuple[dict, float]:
    async with asyncio.timeout(deadline):
        while True:
            envelope = json.loads(await connection.recv())
            if envelope.get("type") == wanted:
                return envelope, time.perf_counter()


async def measure_pop(database_url: str, token: str) -> list[float]:
    rounds = WARM_UP + SAMPLES
    events, call_length = _timeline(rounds)
    simulator = AmiSimulator(events, username=AMI_USER, secret=AMI_SECRET, hold_at=RING_INDEX)
    await simulator.start()
    os.environ.update({"AMI_HOST": "127.0.0.1", "AMI_PORT": str(simulator.port), "AMI_USERNAME": AMI_USER,
                       "AMI_SECRET": AMI_SECRET})
    latencies = []
    try:
        with app_processes(database_url) as address:
            await simulator.wait_logged_in(timeout=60)
            async with websockets.connect(f"ws://{address}/ws", additional_headers={
                    "Authorization": f"Bearer {token}"}, max_queue=None) as connection:
                await _next_message(connection, "hello")
                for index in range(rounds):
                    ring = index * call_length + RING_INDEX
                    await simulator.wait_replayed(ring, timeout=30)
                    started = time.perf_counter()
                    # The replay task wakes only after this coroutine yields, and finds the new hold point:
                    # exactly the DialBegin is sent.
                    simulator.release()
                    simulator.hold_at = ring + 1
                    pop, arrived = await _next_message(connection, "call.ringing")
                    assert pop["data"]["clients"], "the caller must match a client"
                    if index >= WARM_UP:
                        latencies.append((arrived - started) * 1000)
                    simulator.release()
                    simulator.hold_at = ring + call_length
                    await _next_message(connection, "call.logged")
    finally:
        await simulator.stop()
    return latencies


async def measure_lookup(database_url: str) -> list[float]:
    """Time the baseline: the caller look-up by E.164 alone."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    statement = await connection.prepare("SELECT client_id FROM client_phones WHERE e164 = $1")
    latencies = []
    for index in range(WARM_UP + SAMPLES):
        started = time.perf_counter()
        await statement.fetch(_caller(1 + (index * 4) % CALLERS))
        if index >= WARM_UP:
            latencies.append((time.perf_counter() - started) * 1000)
    await connection.close()
    return latencies


async def main() -> None:
    with scratch_database("domovoy_bench_screen_pop") as database_url:
        _load_phones(database_url)
        token = await _setup(database_url)
        pops = await measure_pop(database_url, token)
        lookups = await measure_lookup(database_url)
    report("screen_pop", "p99 DialBegin to screen pop on the WebSocket", percentile(pops, 0.99), "ms",
           TARGET_P99_MS, percentile(lookups, 0.99), phones=PHONES, samples=len(pops),
           p50_ms=round(percentile(pops, 0.5), 2), lookup_p50_ms=round(percentile(lookups, 0.5), 3),
           ratio_p50=round(percentile(pops, 0.5) / percentile(lookups, 0.5), 1))


if __name__ == "__main__":
    run(main)

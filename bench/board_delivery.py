"""Ticket change → 200 open boards: p99 delivery latency over the WebSocket, against bare Redis pub/sub.

Production shape: `domovoy serve` and `domovoy worker` run as separate processes on Redis; the boards
are WebSocket clients in this process. Latency is measured from sending the API request that changes a
ticket to the moment each board receives the event. The baseline is one Redis PUBLISH received by 200
subscriber connections, measured in the same run on the same machine.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import websockets
from redis.asyncio import Redis

from bench.common import app_processes, percentile, report, run, scratch_database
from tests.services import redis_url

BOARDS = 200
CHANGES = 200
WARM_UP = 5  # changes made before measuring: they fill connection pools and caches
TARGET_P99_MS = 100.0


async def _setup(database_url: str) -> str:
    from backend.db.engine import create_engine, create_session_factory
    from backend.domain.tickets.catalog import ensure_default_catalog
    from tests.factories import Factory

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        factory = Factory(session)
        building = await factory.building(entrances=1, floors=2, flats_per_floor=2)
        await ensure_default_catalog(session)
        await session.commit()
        user = await factory.user("dispatcher", all_buildings=True)
        token = await factory.token(user)
    await engine.dispose()
    return token, building.id


async def _board(url: str, token: str, arrivals: dict[int, list[float]], ready: asyncio.Event, count: list[int]):
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"},
                                  max_queue=None) as connection:
        await connection.recv()  # hello
        count[0] += 1
        if count[0] == BOARDS:
            ready.set()
        async for message in connection:
            envelope = json.loads(message)
            arrivals.setdefault(envelope["data"]["ticket"]["number"], []).append(time.perf_counter())


async def measure_app(database_url: str) -> list[float]:
    token, building_id = await _setup(database_url)
    with app_processes(database_url) as address:
        arrivals: dict[int, list[float]] = {}
        ready, count = asyncio.Event(), [0]
        boards = [asyncio.create_task(_board(f"ws://{address}/ws", token, arrivals, ready, count)) for _ in range(BOARDS)]
        await asyncio.wait_for(ready.wait(), 60)
        latencies, phases = [], []
        async with httpx.AsyncClient(base_url=f"http://{address}", headers={"Authorization": f"Bearer {token}"}) as http:
            categories = (await http.get("/api/v1/categories")).json()
            for index in range(WARM_UP + CHANGES):
                started = time.perf_counter()
                response = await http.post("/api/v1/tickets", json={
                    "building_id": building_id, "category_id": categories[0]["id"], "description": f"Замер {index}"})
                responded = time.perf_counter()
                number = response.json()["ticket"]["number"]
                while len(arrivals.get(number, [])) < BOARDS:
                    await asyncio.sleep(0.001)  # benchmark loop polls the arrival counter
                if index >= WARM_UP:
                    latencies += [(arrival - started) * 1000 for arrival in arrivals[number]]
                phases.append(((responded - started) * 1000, (min(arrivals[number]) - started) * 1000,
                               (max(arrivals[number]) - started) * 1000))
        for board in boards:
            board.cancel()
        await asyncio.gather(*boards, return_exceptions=True)
    return latencies


async def measure_redis() -> list[float]:
    publisher = Redis.from_url(redis_url())
    subscribers = [Redis.from_url(redis_url()).pubsub() for _ in range(BOARDS)]
    for subscriber in subscribers:
        await subscriber.subscribe("bench:board")
    latencies = []
    for index in range(CHANGES):
        started = time.perf_counter()
        await publisher.publish("bench:board", json.dumps({"n": index}))
        for subscriber in subscribers:
            while (await subscriber.get_message(ignore_subscribe_messages=True, timeout=5)) is None:
                pass
            latencies.append((time.perf_counter() - started) * 1000)
    for subscriber in subscribers:
        await subscriber.aclose()
    await publisher.aclose()
    return latencies


async def main() -> None:
    with scratch_database("domovoy_bench_board_delivery") as database_url:
        ours = await measure_app(database_url)
    bare = await measure_redis()
    report("board_delivery", "p99 ticket change to 200 boards", percentile(ours, 0.99), "ms", TARGET_P99_MS,
           percentile(bare, 0.99), boards=BOARDS, changes=CHANGES, p50_ms=round(percentile(ours, 0.5), 2))


if __name__ == "__main__":
    run(main)

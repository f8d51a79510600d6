"""The board's list request with 100,000 tickets in the database: p95 of GET /board, against the raw SQL.

Tickets are generated in PostgreSQL over the 61 real buildings of the registry sample: 95% closed,
the rest spread over the open statuses, as in a company that keeps years of history. The baseline is
the same queue query (first 50 rows of each queue) in hand-written SQL over asyncpg, without the web layer.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx

from backend.db.urls import asyncpg_dsn
from bench.common import app_processes, percentile, report, run, scratch_database, sql
from tests.conftest import DEMO_PASSWORD

TICKETS = 100_000
REQUESTS = 200
TARGET_P95_MS = 30.0

GENERATE_TICKETS = f"""
INSERT INTO tickets (building_id, premise_id, channel, category_id, priority, status, description, created_at,
                     updated_at, response_due_at, resolution_due_at, paused_minutes, version, created_by_id)
SELECT p.building_id, p.id, 'phone', 1 + (g % 10),
       (ARRAY['emergency','urgent','normal','planned'])[1 + g % 4],
       CASE WHEN g % 20 = 0 THEN (ARRAY['new','assigned','in_progress','on_hold'])[1 + (g / 20) % 4]
            ELSE 'closed' END,
       'Сгенерированная заявка ' || g, now() - (g || ' minutes')::interval, now(),
       now() + interval '1 day', now() + interval '3 days', 0, 1, 1
FROM generate_series(1, {TICKETS}) AS g
JOIN LATERAL (SELECT id, building_id FROM premises ORDER BY id OFFSET (g * 7919) % 14000 LIMIT 1) AS p ON true
"""

RANK = "t.priority_rank"
LATE = "(t.responded_at IS NULL AND t.response_due_at < now() OR t.resolution_due_at < now())"
QUEUE = f"(SELECT t.id FROM tickets t WHERE {{condition}} ORDER BY {RANK}, t.created_at DESC LIMIT 50)"
BARE_QUERY = f"""
WITH first_rows AS ({' UNION ALL '.join(QUEUE.format(condition=c) for c in [
    f"t.status = 'new' AND NOT {LATE}", f"t.status = 'assigned' AND NOT {LATE}",
    f"t.status = 'in_progress' AND NOT {LATE}", "t.status = 'on_hold'",
    f"t.status IN ('new', 'assigned', 'in_progress') AND {LATE}"])})
SELECT t.*, b.address, c.name FROM tickets t JOIN first_rows f ON f.id = t.id
JOIN buildings b ON b.id = t.building_id JOIN service_categories c ON c.id = t.category_id
"""


async def _seed(database_url: str) -> None:
    from backend.db.engine import create_engine, create_session_factory
    from backend.demo import seed_demo

    engine = create_engine(database_url)
    async with create_session_factory(engine)() as session:
        await seed_demo(session, DEMO_PASSWORD)
    await engine.dispose()
    sql(database_url, GENERATE_TICKETS)
    sql(database_url, "VACUUM ANALYZE")  # what autovacuum does to a table that stops changing


async def _bare(database_url: str) -> list[float]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        await connection.fetch(BARE_QUERY)
        timings.append((time.perf_counter() - started) * 1000)
    await connection.close()
    return timings


async def _board(address: str) -> list[float]:
    async with httpx.AsyncClient(base_url=f"http://{address}") as http:
        page = await http.get("/login")
        await http.post("/login", data={"login": "dispatcher", "password": DEMO_PASSWORD,
                                        "_csrf_token": http.cookies.get("csrftoken")})
        timings = []
        for _ in range(REQUESTS + 10):
            started = time.perf_counter()
            response = await http.get("/board")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        return timings[10:]  # the first requests warm the connection pool and template cache


async def main() -> None:
    with scratch_database("domovoy_bench_board_list") as database_url:
        await _seed(database_url)
        bare = await _bare(database_url)
        with app_processes(database_url, worker=False) as address:
            ours = await _board(address)
    report("board_list", "p95 GET /board with 100,000 tickets", percentile(ours, 0.95), "ms", TARGET_P95_MS,
           percentile(bare, 0.95), tickets=TICKETS, requests=REQUESTS, p50_ms=round(percentile(ours, 0.5), 2))


if __name__ == "__main__":
    run(main)

"""The шахматка of a 40-floor building with 11 entrances: p95 of the server-side page render.

The building has 11 entrances × 40 floors × 8 flats (3,520 premises), a parking level at floor -1,
an owner on most flats, a resident on some and open tickets on one flat in twenty. The page is
requested through the full application (routing, session, access checks, queries and the Jinja
template). The baseline is the bare premises query of the same building on the same connection.
"""

from __future__ import annotations

import time

from litestar.testing import AsyncTestClient
from sqlalchemy import text

from backend.app import create_app
from backend.db.engine import create_engine, create_session_factory
from backend.settings import Settings
from bench.common import BENCH_SECRET, percentile, report, run, scratch_database

ENTRANCES = 11
FLOORS = 40
FLATS_PER_FLOOR = 8
ROUNDS = 60
WARM_UP = 5
TARGET_P95_MS = 150.0
PASSWORD = "bench-password"

FILL_SQL = [
    """INSERT INTO service_categories (code, name, is_active) VALUES ('bench', 'Сантехника', true)""",
    """INSERT INTO client_premises (client_id, premise_id, role, created_at)
       SELECT c.id, c.id, 'owner', now() FROM (
         SELECT p.id FROM premises p WHERE p.kind = 'flat' AND p.id % 5 <> 0) c""",
    """INSERT INTO tickets (building_id, premise_id, channel, category_id, priority, status, description,
                            created_at, updated_at, paused_minutes, version)
       SELECT p.building_id, p.id, 'phone', (SELECT id FROM service_categories LIMIT 1),
              CASE WHEN p.id % 100 = 0 THEN 'emergency' ELSE 'normal' END, 'new', 'Течёт кран', now(), now(), 0, 1
       FROM premises p WHERE p.id % 20 = 0""",
    "ANALYZE",
]


async def _fill(url: str) -> int:
    from backend.domain.buildings.actions import create_unit_map
    from backend.domain.buildings.models import Building
    from backend.domain.buildings.registry import UnitMapPlan, plan_section
    from backend.domain.staff.actions import do_create_user

    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        building = Building(address="г. Москва, ул. Высотная, д. 1", external_id="BENCH1")
        session.add(building)
        await session.flush()
        sections = [plan_section(1 + index * FLOORS * FLATS_PER_FLOOR, range(1, FLOORS + 1), FLATS_PER_FLOOR,
                                 entrance_number=index + 1) for index in range(ENTRANCES)]
        sections[0].floors.insert(0, plan_section(1, [-1], 10, kind="parking").floors[0])
        await create_unit_map(session, building, UnitMapPlan(entrances=sections))
        await _people(session)
        await do_create_user(session, actor_id=None, login="bench", full_name="Бенч", role="dispatcher",
                             password=PASSWORD, all_buildings=True)
        await session.commit()
        for statement in FILL_SQL:
            await session.execute(text(statement))
        await session.commit()
        building_id = building.id
    await engine.dispose()
    return building_id


async def _people(session) -> None:
    """Insert one client per premise, so that the occupancy layer has owners to count."""
    await session.execute(text("""INSERT INTO clients (id, kind, last_name, first_name, created_at, updated_at)
                                   SELECT id, 'person', 'Образцов', 'Иван', now(), now() FROM premises"""))
    await session.execute(text("SELECT setval('clients_id_seq', (SELECT max(id) FROM clients))"))


async def _sign_in(client: AsyncTestClient) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"login": "bench", "password": PASSWORD,
                                                 "_csrf_token": client.cookies.get("csrftoken")})
    if response.status_code >= 400:
        raise SystemExit(f"sign-in failed: {response.status_code}")


async def _measure(url: str, building_id: int) -> tuple[list[float], list[float], int]:
    app = create_app(Settings(environment="test", secret_key=BENCH_SECRET), url)
    pages: list[float] = []
    async with AsyncTestClient(app=app) as client:
        await _sign_in(client)
        for index in range(WARM_UP + ROUNDS):
            started = time.perf_counter()
            response = await client.get(f"/buildings/{building_id}/map")
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"the map page failed: {response.status_code}")
            if index >= WARM_UP:
                pages.append(elapsed)
        cells = response.text.count('class="unitmap-cell')

    baseline: list[float] = []
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        for index in range(WARM_UP + ROUNDS):
            started = time.perf_counter()
            (await session.execute(text("SELECT id, label, kind, floor_id FROM premises WHERE building_id = :b"),
                                   {"b": building_id})).all()
            elapsed = (time.perf_counter() - started) * 1000
            if index >= WARM_UP:
                baseline.append(elapsed)
    await engine.dispose()
    return pages, baseline, cells


async def main() -> None:
    with scratch_database("domovoy_bench_unit_map") as url:
        building_id = await _fill(url)
        pages, baseline, cells = await _measure(url, building_id)
    report("unit_map", "p95_render", percentile(pages, 0.95), "ms", TARGET_P95_MS, percentile(baseline, 0.95),
           entrances=ENTRANCES, floors=FLOORS, cells=cells, p50_ms=round(percentile(pages, 0.5), 3))


if __name__ == "__main__":
    run(main)

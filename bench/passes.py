"""The guard's check over 1,000,000 passes: p99 of `check_passes()` by plate or name, against the bare index look-up.

Data: 20 buildings, one guard post, and passes made by INSERT ... SELECT generate_series: one
an hour per building reaching back years, half with a plate, names from a pool of 13,420 full
names. The queries cycle through what guards type: a whole plate (Latin letters), a
plate without its region, the plate's digits, a last name, a last name with initials, and a pass
number. The baseline is the single range scan on the plate or name index that each query needs,
run on the same connection.
"""

from __future__ import annotations

import os
import random
import time

from sqlalchemy import select, text

from backend.db.engine import create_engine, create_session_factory
from backend.domain.passes.lookup import check_passes
from backend.domain.staff.actions import do_create_user, principal_of
from bench.common import percentile, report, run, scratch_database, sql

PASSES = int(os.environ.get("DOMOVOY_BENCH_PASSES", "1000000"))
"""Passes generated; the environment variable exists for a quick trial run, the target is for 1,000,000."""
BUILDINGS = 20
ROUNDS = 600
"""Look-ups measured, spread evenly over the query forms."""
WARM_UP = 60
TARGET_P99_MS = 10.0
SEED = 20261204

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков",
            "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов",
            "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров"]
FIRST_NAMES = ["Иван", "Пётр", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Олег", "Артём", "Егор",
               "Николай", "Владимир", "Юрий", "Роман", "Павел", "Виктор", "Максим", "Денис", "Кирилл", "Антон",
               "Георгий", "Тимур"]
PATRONYMICS = ["Иванович", "Петрович", "Алексеевич", "Сергеевич", "Дмитриевич", "Андреевич", "Михайлович",
               "Олегович", "Николаевич", "Владимирович"]
PLATE_LETTERS = "АВЕКМНОРСТУХ"
LATIN = dict(zip(PLATE_LETTERS, "ABEKMHOPCTYX"))
REGIONS = ["77", "97", "99", "177", "197", "199", "777", "799", "50", "90", "150", "750"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]"


def _letter(expression: str) -> str:
    return f"substr('{PLATE_LETTERS}', 1 + ({expression}) % 12, 1)"


# Pass n belongs to building 1 + n % BUILDINGS and is that building's pass k = n / BUILDINGS. It starts
# k hours before now, so each building gets a pass an hour, reaching back 5.7 years for 1,000,000
# passes. Names and plates vary with k, so every building sees every surname and plate number.
_NAME = (f"({_array(SURNAMES)})[1 + k % {len(SURNAMES)}] || ' ' || ({_array(FIRST_NAMES)})[1 + (k / 61) % "
         f"{len(FIRST_NAMES)}] || ' ' || ({_array(PATRONYMICS)})[1 + (k / 1301) % {len(PATRONYMICS)}]")
_PLATE = (f"{_letter('k / 7')} || lpad(((k * 37 + k / 1000) % 1000)::text, 3, '0') || {_letter('k / 13')} || "
          f"{_letter('k / 17')} || ({_array(REGIONS)})[1 + (k / 3) % {len(REGIONS)}]")
FILL_SQL = [
    f"""INSERT INTO buildings (id, address, kind, time_zone, created_at, updated_at)
        SELECT b, 'г. Москва, ул. Замерная, д. ' || b, 'residential', 'Europe/Moscow', now(), now()
        FROM generate_series(1, {BUILDINGS}) AS b""",
    "SELECT setval('buildings_id_seq', (SELECT max(id) FROM buildings))",
    f"""INSERT INTO entrances (id, building_id, number) SELECT b, b, 1 FROM generate_series(1, {BUILDINGS}) AS b""",
    f"""INSERT INTO floors (id, entrance_id, number) SELECT b, b, 1 FROM generate_series(1, {BUILDINGS}) AS b""",
    f"""INSERT INTO premises (building_id, floor_id, label, kind, floors_spanned, position, created_at)
        SELECT b, b, p::text, 'flat', 1, p, now()
        FROM generate_series(1, {BUILDINGS}) AS b, generate_series(1, 200) AS p""",
    f"""INSERT INTO passes (qr_token, building_id, premise_id, entrance_id, host_name, kind, visitor_name,
                           visitor_name_key, plate, plate_digits, valid_from, valid_until, status, source,
                           created_at, updated_at)
        SELECT '000000000000', 1 + n % {BUILDINGS}, (1 + n % {BUILDINGS} - 1) * 200 + 1 + n % 200,
               1 + n % {BUILDINGS}, 'Хозяев Х. Х.', 'one_time', name, replace(lower(name), 'ё', 'е'),
               CASE WHEN n % 2 = 0 THEN plate END, CASE WHEN n % 2 = 0 THEN substr(plate, 2, 3) END,
               starts, starts + interval '1 day' - interval '1 second',
               CASE WHEN starts > now() - interval '1 day' THEN 'expected' ELSE 'left' END, 'concierge', starts, starts
        FROM (SELECT n, {_NAME} AS name, {_PLATE} AS plate, now() - k * interval '1 hour' + interval '2 hours' AS starts
              FROM (SELECT n, n / {BUILDINGS} AS k FROM generate_series(1, {PASSES}) AS n) AS numbered) AS generated""",
]
VACUUM_SQL = "VACUUM (ANALYZE) passes"
"""Run after the fill, so that hint bits and statistics are settled before anything is timed."""

BASELINE_PLATE = text("""SELECT id FROM passes WHERE building_id = :building AND plate ~>=~ :low AND plate ~<~ :high
                         LIMIT 40""")
BASELINE_NAME = text("""SELECT id FROM passes WHERE building_id = :building AND visitor_name_key ~>=~ :low
                        AND visitor_name_key ~<~ :high LIMIT 200""")


async def _fill(session_factory) -> tuple[int, object]:
    async with session_factory() as session:
        for statement in FILL_SQL:
            await session.execute(text(statement))
        await session.commit()
        post_id = await session.scalar(text(
            "INSERT INTO guard_posts (building_id, name, is_active, created_at) VALUES (1, 'КПП', true, now()) "
            "RETURNING id"))
        guard = await do_create_user(session, actor_id=None, login="benchguard", full_name="Замеров Г. Г.",
                                     role="guard", password="bench-password", building_ids=[1])
        await session.commit()
        return post_id, principal_of(guard)


async def _queries(session_factory, rng: random.Random) -> list[str]:
    """Plates and names of building 1's passes of the last two days, which the check still shows."""
    async with session_factory() as session:
        rows = (await session.execute(text(
            "SELECT number, plate, visitor_name FROM passes WHERE building_id = 1 AND valid_from > now() - "
            "interval '2 days' ORDER BY id LIMIT 500"))).all()
    plates = [plate for _, plate, _ in rows if plate]
    names = [name for _, _, name in rows]
    forms = [
        lambda: "".join(LATIN.get(character, character) for character in rng.choice(plates)).lower(),
        lambda: rng.choice(plates)[:6],
        lambda: rng.choice(plates)[1:4],
        lambda: rng.choice(names).split()[0],
        lambda: _with_initials(rng.choice(names)),
        lambda: str(rng.choice(rows)[0]),
    ]
    return [forms[index % len(forms)]() for index in range(ROUNDS + WARM_UP)]


def _with_initials(name: str) -> str:
    last, first, patronymic = name.split()
    return f"{last} {first[0]}. {patronymic[0]}."


async def _measure_check(session_factory, principal, post_id: int, queries: list[str]) -> tuple[list[float], int]:
    """Time each check on its own session, as a web request has; opening the session is included."""
    timings, found = [], 0
    for index, query in enumerate(queries):
        started = time.perf_counter()
        async with session_factory() as session:
            result = await check_passes(session, principal, query, post_id=post_id)
        elapsed = (time.perf_counter() - started) * 1000
        if index >= WARM_UP:
            timings.append(elapsed)
            found += bool(result.matches)
    return timings, found


async def _measure_baseline(session_factory, queries: list[str]) -> list[float]:
    from backend.domain.passes.search import QueryKind, read_query

    timings = []
    async with session_factory() as session:
        for index, raw in enumerate(queries):
            query = read_query(raw)
            if query.kind not in (QueryKind.PLATE, QueryKind.NAME):
                continue
            prefix = query.text if query.kind == QueryKind.PLATE else query.text.split()[0]
            statement = BASELINE_PLATE if query.kind == QueryKind.PLATE else BASELINE_NAME
            started = time.perf_counter()
            (await session.execute(statement, {"building": 1, "low": prefix,
                                               "high": prefix[:-1] + chr(ord(prefix[-1]) + 1)})).all()
            if index >= WARM_UP:
                timings.append((time.perf_counter() - started) * 1000)
    return timings


async def main() -> None:
    with scratch_database("domovoy_bench_passes") as url:
        engine = create_engine(url)
        session_factory = create_session_factory(engine)
        started = time.perf_counter()
        post_id, principal = await _fill(session_factory)
        sql(url, VACUUM_SQL)
        fill_seconds = time.perf_counter() - started
        queries = await _queries(session_factory, random.Random(SEED))

        timings, found = await _measure_check(session_factory, principal, post_id, queries)
        baseline = await _measure_baseline(session_factory, queries)
        async with session_factory() as session:
            total = await session.scalar(select(text("count(*)")).select_from(text("passes")))
        await engine.dispose()

    report("passes_check", "p99_check_ms", percentile(timings, 0.99), "ms", TARGET_P99_MS,
           percentile(baseline, 0.99), p50_ms=round(percentile(timings, 0.5), 3),
           baseline_p50_ms=round(percentile(baseline, 0.5), 3), passes=total, lookups=len(timings),
           lookups_with_matches=found, fill_seconds=round(fill_seconds, 1))


if __name__ == "__main__":
    run(main)

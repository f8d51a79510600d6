"""The search box over 1,000,000 clients and 2,000,000 phones: p95 of `search()` against the bare index look-up.

Data: the registry sample's buildings and premises, then clients made by INSERT ... SELECT
generate_series (one in ten an organisation), two phones each, one relation each to a premise, and
an e-mail for one in five. The queries cycle through every form the box reads: last phone digits, a
whole phone, a surname prefix, a full name, initials, an organisation name, an ИНН, an e-mail and an
address with a flat. The baseline is the single index look-up each form needs at its core (the
phone-suffix range scan and the name-prefix range scan), run on the same connection.
"""

from __future__ import annotations

import os
import time

from sqlalchemy import text

from bench.common import percentile, report, run, scratch_database
from backend.db.engine import create_engine, create_session_factory

CLIENTS = int(os.environ.get("DOMOVOY_BENCH_CLIENTS", "1000000"))
"""Clients generated; the environment variable exists for a quick trial run, the target is for 1,000,000."""
PHONES_PER_CLIENT = 2
ROUNDS = 400
"""Searches measured; each query form runs ROUNDS / forms times."""
WARM_UP = 50
TARGET_P95_MS = 20.0

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров"]
FIRST_NAMES = ["Иван", "Пётр", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Олег", "Артём", "Егор",
               "Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Юлия", "Алёна", "Ксения"]
PATRONYMICS = ["Иванович", "Петрович", "Алексеевич", "Сергеевна", "Дмитриевна", "Андреевич", "Михайловна"]
COMPANIES = ["Ромашка", "Северный ветер", "Техностандарт", "Городские сети", "Альфа-Сервис", "Лесная поляна"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{value}'" for value in values) + "]"


FILL_SQL = [
    f"""INSERT INTO clients (id, kind, last_name, first_name, patronymic, organisation_name, legal_form, inn,
                            created_at, updated_at)
        SELECT n, CASE WHEN n % 10 = 0 THEN 'organisation' ELSE 'person' END,
               CASE WHEN n % 10 = 0 THEN NULL ELSE ({_array(SURNAMES)})[1 + n % {len(SURNAMES)}]
                    || CASE WHEN n % 7 = 0 THEN 'а' ELSE '' END || CASE WHEN n % 3 = 0 THEN '-' || n ELSE '' END END,
               CASE WHEN n % 10 = 0 THEN NULL ELSE ({_array(FIRST_NAMES)})[1 + (n / 7) % {len(FIRST_NAMES)}] END,
               CASE WHEN n % 10 = 0 THEN NULL ELSE ({_array(PATRONYMICS)})[1 + (n / 11) % {len(PATRONYMICS)}] END,
               CASE WHEN n % 10 = 0 THEN ({_array(COMPANIES)})[1 + (n / 10) % {len(COMPANIES)}] || ' ' || n END,
               CASE WHEN n % 10 = 0 THEN 'ООО' END,
               CASE WHEN n % 10 = 0 THEN lpad((7700000000 + n)::text, 10, '0') END,
               now(), now()
        FROM generate_series(1, {CLIENTS}) AS n""",
    f"""INSERT INTO client_phones (client_id, e164, kind)
        SELECT n, '+79' || lpad(((n::bigint * 7919 + k * 104729) % 1000000000)::text, 9, '0'),
               CASE WHEN k = 0 THEN 'mobile' ELSE 'home' END
        FROM generate_series(1, {CLIENTS}) AS n, generate_series(0, {PHONES_PER_CLIENT - 1}) AS k""",
    f"""INSERT INTO client_emails (client_id, email)
        SELECT n, 'client' || n || '@example.ru' FROM generate_series(5, {CLIENTS}, 5) AS n""",
    f"""INSERT INTO client_premises (client_id, premise_id, role, created_at)
       SELECT n, p.id, 'owner', now() FROM generate_series(1, {CLIENTS}) AS n
       JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i, count(*) OVER () AS total FROM premises) p
         ON p.i = n % p.total""",
    f"SELECT setval('clients_id_seq', {CLIENTS})",
    "ANALYZE",
]

QUERIES = ["4567", "+7 (900) 000-79-19", "8 900 000-79-19", "Иванов", "смирнова а", "Петров Пётр Андреевич",
           "Кузнецов И. П.", "Ромашка", "ООО «Северный ветер»", "7700000010", "client500@example.ru",
           "Часовая 19 кв 45", "ягодная 8 кв 12", "Фёдоров", "0021", "Иван Петров"]

BASELINE_SQL = [
    "SELECT client_id FROM client_phones WHERE digits_reversed LIKE :prefix ORDER BY digits_reversed LIMIT 20",
    "SELECT id FROM clients WHERE search_name LIKE :prefix AND merged_into_id IS NULL ORDER BY search_name LIMIT 20",
]
BASELINE_VALUES = [["7654%", "1200%"], ["иванов%", "смирнова а%"]]


async def _fill(url: str) -> None:
    from backend.demo import REGISTRY_SAMPLE
    from backend.domain.buildings.actions import do_import_registry
    from backend.domain.buildings.registry import parse_registry

    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        with REGISTRY_SAMPLE.open(encoding="utf-8") as registry:
            await do_import_registry(session, parse_registry(registry))
        await session.commit()
        for statement in FILL_SQL:
            await session.execute(text(statement))
            await session.commit()
    await engine.dispose()


async def _admin(session):
    from backend.domain.staff.actions import do_create_user, principal_of

    user = await do_create_user(session, actor_id=None, login="bench", full_name="Бенч", role="admin",
                                password="bench-password", all_buildings=True)
    await session.commit()
    return principal_of(user)


async def _measure(url: str) -> tuple[list[float], list[float], dict[str, int], dict[str, float]]:
    from backend.domain.clients.search import search

    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        principal = await _admin(session)
        searches: list[float] = []
        baselines: list[float] = []
        found: dict[str, int] = {}
        by_query: dict[str, list[float]] = {}
        for index in range(WARM_UP + ROUNDS):
            query = QUERIES[index % len(QUERIES)]
            started = time.perf_counter()
            hits = await search(session, principal, query)
            elapsed = (time.perf_counter() - started) * 1000
            if index >= WARM_UP:
                searches.append(elapsed)
                by_query.setdefault(query, []).append(elapsed)
                found[query] = len(hits)
        for index in range(WARM_UP + ROUNDS):
            statement = BASELINE_SQL[index % 2]
            value = BASELINE_VALUES[index % 2][(index // 2) % 2]
            started = time.perf_counter()
            (await session.execute(text(statement), {"prefix": value})).all()
            elapsed = (time.perf_counter() - started) * 1000
            if index >= WARM_UP:
                baselines.append(elapsed)
    await engine.dispose()
    slowest = {query: round(percentile(times, 0.95), 2) for query, times in by_query.items()}
    return searches, baselines, found, slowest


async def main() -> None:
    with scratch_database("domovoy_bench_search") as url:
        started = time.perf_counter()
        await _fill(url)
        fill_seconds = time.perf_counter() - started
        searched, baseline, found, by_query = await _measure(url)
    empty = sorted(query for query, count in found.items() if count == 0)
    report("search", "p95_latency", percentile(searched, 0.95), "ms", TARGET_P95_MS, percentile(baseline, 0.95),
           clients=CLIENTS, phones=CLIENTS * PHONES_PER_CLIENT, p50_ms=round(percentile(searched, 0.5), 3),
           queries_without_hits=empty, p95_ms_by_query=by_query, fill_seconds=round(fill_seconds, 1))


if __name__ == "__main__":
    run(main)

"""Demo data for an empty database: the sample buildings, staff in every role, fake clients.

Client names are built from surnames that mean "sample" or "test" (Образцов, Примеров), and
phones come from the +7 999 000-xx-xx block, so nobody mistakes them for real people.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from pathlib import Path

import structlog
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.actions import do_import_registry
from backend.domain.buildings.models import Building, Premise, PremiseKind
from backend.domain.buildings.registry import parse_registry
from backend.domain.clients.models import Client, ClientKind, ClientPhone, ClientPremise, PremiseRole
from backend.domain.staff.actions import do_create_user
from backend.domain.staff.models import User
from backend.domain.staff.roles import Role

log = structlog.get_logger(__name__)

REGISTRY_SAMPLE = Path(__file__).resolve().parents[1] / "data" / "buildings" / "buildings-reformagkh-moscow-sample.csv"
DEMO_SEED = 20261204  # fixed, so every fresh demo has the same clients
MANAGER_BUILDINGS = 5  # the demo building manager sees this many buildings, to show scoping
SHARE_OWNERSHIP_RATE = 0.15  # flats owned by two people, 1/2 each
RESIDENT_RATE = 0.35  # flats with a resident besides the owner
TENANT_RATE = 0.10  # flats let to a tenant
OCCUPIED_RATE = 0.6  # flats with any known client

# (login, full name, role, extension); extensions match the demo AMI captures' agents.
DEMO_STAFF = [
    ("admin", "Администраторов Админ Админович", Role.ADMIN, None),
    ("dispatcher", "Диспетчерова Дарья Олеговна", Role.DISPATCHER, "150010001"),
    ("dispatcher2", "Примерова Полина Игоревна", Role.DISPATCHER, "150010002"),
    ("technician", "Мастеров Тимур Петрович", Role.TECHNICIAN, None),
    ("technician2", "Образцов Олег Ильич", Role.TECHNICIAN, None),
    ("guard", "Охранов Глеб Сергеевич", Role.GUARD, None),
    ("concierge", "Консьержева Клара Андреевна", Role.CONCIERGE, None),
    ("manager", "Управлянский Марк Борисович", Role.BUILDING_MANAGER, None),
    ("account", "Менеджерова Алина Викторовна", Role.ACCOUNT_MANAGER, None),
    ("service", "Сервисова Светлана Юрьевна", Role.CUSTOMER_SERVICE, None),
]

SURNAMES = ["Образцов", "Примеров", "Пробин", "Тестов", "Демин", "Макетов", "Шаблонов", "Эталонов",
            "Черновиков", "Опытов", "Выборкин", "Пустов"]
MALE_NAMES = ["Иван", "Пётр", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Олег", "Артём", "Егор"]
FEMALE_NAMES = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Юлия", "Алёна", "Ксения"]
PATRONYMIC_ROOTS = ["Иванов", "Петров", "Алексеев", "Сергеев", "Дмитриев", "Андреев", "Михайлов", "Олегов"]
COMPANY_NAMES = ["Образец", "Пример", "Макет", "Эталон", "Черновик", "Шаблон"]


async def is_empty(session: AsyncSession) -> bool:
    return await session.scalar(select(func.count(User.id))) == 0


async def seed_demo(session: AsyncSession, password: str | None) -> str:
    """Fill an empty database; return the staff password (generated when `password` is None)."""
    password = password or secrets.token_urlsafe(9)
    with REGISTRY_SAMPLE.open(encoding="utf-8") as registry:
        await do_import_registry(session, parse_registry(registry))
    building_ids = list((await session.scalars(select(Building.id).order_by(Building.id))).all())
    await _create_staff(session, password, building_ids)
    clients = await _create_clients(session)
    await session.commit()
    await _create_tickets(session, building_ids)
    await _create_guard_post(session, building_ids[0])
    log.info("demo_seeded", buildings=len(building_ids), clients=clients)
    return password


async def _create_staff(session: AsyncSession, password: str, building_ids: list[int]) -> None:
    scoped = {Role.BUILDING_MANAGER: building_ids[:MANAGER_BUILDINGS], Role.GUARD: building_ids[:1]}
    for login, full_name, role, extension in DEMO_STAFF:
        await do_create_user(session, actor_id=None, login=login, full_name=full_name, role=role.value,
                             password=password, building_ids=scoped.get(role, []),
                             all_buildings=role not in scoped, extension=extension)


async def _create_clients(session: AsyncSession) -> int:
    rng = random.Random(DEMO_SEED)
    premises = (await session.execute(select(Premise.id, Premise.kind).order_by(Premise.id))).all()
    people = _PeopleFactory(rng)
    for premise_id, kind in premises:
        if kind in PremiseKind.RESIDENTIAL and rng.random() < OCCUPIED_RATE:
            people.settle_flat(premise_id)
        elif kind not in PremiseKind.RESIDENTIAL and rng.random() < 0.8:
            people.let_commercial(premise_id)
    return await people.save(session)


class _PeopleFactory:
    """Accumulates fake clients and their relations, then writes them in a few bulk inserts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.clients: list[dict] = []
        self.phones: list[dict] = []
        self.relations: list[dict] = []

    def settle_flat(self, premise_id: int) -> None:
        since = date(2010, 1, 1) + timedelta(days=self.rng.randrange(5000))
        if self.rng.random() < SHARE_OWNERSHIP_RATE:
            for _ in range(2):
                self._relate(self._person(), premise_id, PremiseRole.OWNER, since, share=(1, 2))
        else:
            self._relate(self._person(), premise_id, PremiseRole.OWNER, since, share=(1, 1))
        if self.rng.random() < RESIDENT_RATE:
            self._relate(self._person(), premise_id, PremiseRole.RESIDENT, since)
        if self.rng.random() < TENANT_RATE:
            self._relate(self._person(), premise_id, PremiseRole.TENANT, date(2025, 9, 1))

    def let_commercial(self, premise_id: int) -> None:
        company = self._add_client(kind=ClientKind.ORGANISATION, legal_form="ООО",
                                   organisation_name=f"«{self.rng.choice(COMPANY_NAMES)}-{len(self.clients) + 1}»")
        self._relate(company, premise_id, PremiseRole.TENANT, date(2024, 1, 1))

    def _person(self) -> int:
        female = self.rng.random() < 0.5
        surname = self.rng.choice(SURNAMES) + ("а" if female else "")
        first_name = self.rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        patronymic = self.rng.choice(PATRONYMIC_ROOTS) + ("на" if female else "ич")
        return self._add_client(kind=ClientKind.PERSON, last_name=surname, first_name=first_name,
                                patronymic=patronymic)

    def _add_client(self, **fields: object) -> int:
        client_id = len(self.clients) + 1
        self.clients.append({"id": client_id, **fields})
        self.phones.append({"client_id": client_id, "e164": f"+7999{client_id:07d}", "kind": "mobile"})
        return client_id

    def _relate(self, client_id: int, premise_id: int, role: str, since: date,
                share: tuple[int, int] | None = None) -> None:
        numerator, denominator = share or (None, None)
        self.relations.append({"client_id": client_id, "premise_id": premise_id, "role": role, "since": since,
                               "share_numerator": numerator, "share_denominator": denominator})

    async def save(self, session: AsyncSession) -> int:
        await session.execute(insert(Client), self.clients)
        await session.execute(insert(ClientPhone), self.phones)
        await session.execute(insert(ClientPremise), self.relations)
        await session.execute(select(func.setval("clients_id_seq", len(self.clients))))
        return len(self.clients)


DEMO_TICKETS = [
    ("plumbing", "emergency", "Течь из потолка в ванной, заливает соседей снизу"),
    ("lift", "urgent", "Лифт в подъезде остановился между этажами"),
    ("electrics", "normal", "Не горит свет на лестничной площадке"),
    ("cleaning", "planned", "Уборка после ремонта в холле"),
    ("access_control", "normal", "Не работает домофон, ключ не открывает дверь"),
    ("heating", "urgent", "Холодные батареи в квартире"),
    ("paid_plumber_visit", "planned", "Заменить смеситель на кухне"),
]


async def _create_tickets(session: AsyncSession, building_ids: list[int]) -> None:
    """Create open tickets in the first buildings through the same action as the board's form."""
    from backend.domain.staff.access import Principal
    from backend.domain.tickets.actions import NewTicket, do_assign, do_create_ticket, do_transition
    from backend.domain.tickets.catalog import ensure_default_catalog
    from backend.domain.tickets.models import ServiceCategory

    await ensure_default_catalog(session)
    categories = dict((await session.execute(select(ServiceCategory.code, ServiceCategory.id))).all())
    dispatcher = await session.scalar(select(User).where(User.login == "dispatcher"))
    principal = Principal(user_id=dispatcher.id, login=dispatcher.login, full_name=dispatcher.full_name,
                          role=Role.DISPATCHER, all_buildings=True, building_ids=frozenset())
    rng = random.Random(DEMO_SEED)
    for index, building_id in enumerate(building_ids[:12]):
        premise_id = await session.scalar(select(Premise.id).where(Premise.building_id == building_id)
                                          .order_by(Premise.id).offset(rng.randrange(20)).limit(1))
        code, priority, description = DEMO_TICKETS[index % len(DEMO_TICKETS)]
        ticket, _ = await do_create_ticket(session, principal, NewTicket(
            building_id=building_id, premise_id=premise_id, category_id=categories[code], priority=priority,
            channel="phone", description=description))
        if index % 3 == 1:
            technician = await session.scalar(select(User.id).where(User.login == "technician"))
            await do_assign(session, principal, ticket.id, technician)
            await do_transition(session, principal, ticket.id, "in_progress")
        await session.commit()


async def _create_guard_post(session: AsyncSession, building_id: int) -> None:
    """Create the demo guard's post in the first building, so that the kiosk has a post to work at."""
    from backend.domain.guard.posts import do_create_post

    admin = await session.scalar(select(User).where(User.login == "admin"))
    principal = _principal_of(admin)
    await do_create_post(session, principal, building_id=building_id, name="Главный вход")
    await session.commit()


def _principal_of(user: User):
    from backend.domain.staff.actions import principal_of

    return principal_of(user)

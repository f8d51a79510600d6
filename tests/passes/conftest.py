"""Fixtures for passes and the guard desk: a building with a post, its staff and a resident."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from backend.domain.buildings.models import Building, Premise
from backend.domain.clients.models import Client, ClientPhone, ClientPremise
from backend.domain.guard.models import GuardPost
from backend.domain.guard.posts import do_create_post
from backend.domain.staff.actions import principal_of
from backend.domain.staff.models import User

RESIDENT_PHONE = "+79123456789"


@dataclass
class Site:
    building: Building
    post: GuardPost
    flat: Premise
    resident: Client
    guard: User
    concierge: User
    guard_token: str
    concierge_token: str

    @property
    def guard_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.guard_token}"}

    @property
    def concierge_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.concierge_token}"}


async def premise_by_label(db, building: Building, label: str) -> Premise:
    return await db.scalar(select(Premise).where(Premise.building_id == building.id, Premise.label == label))


async def add_resident(db, premise: Premise, last: str = "Петров", first: str = "Пётр",
                       patronymic: str = "Петрович") -> Client:
    client = Client(last_name=last, first_name=first, patronymic=patronymic,
                    phones=[ClientPhone(e164=RESIDENT_PHONE)],
                    premises=[ClientPremise(premise_id=premise.id, role="owner")])
    db.add(client)
    await db.commit()
    return client


async def make_site(db, factory, time_zone: str = "Europe/Moscow", entrances: list[int] | None = None) -> Site:
    building = await factory.building(time_zone=time_zone)
    manager = await factory.user(role="building_manager", buildings=[building])
    post = await do_create_post(db, principal_of(manager), building_id=building.id, name="КПП-1",
                                entrance_ids=entrances or [])
    await db.commit()
    flat = await premise_by_label(db, building, "15")
    resident = await add_resident(db, flat)
    guard = await factory.user(role="guard", buildings=[building])
    concierge = await factory.user(role="concierge", buildings=[building])
    return Site(building, post, flat, resident, guard, concierge, await factory.token(guard),
                await factory.token(concierge))


@pytest.fixture
async def site(db, factory) -> Site:
    return await make_site(db, factory)

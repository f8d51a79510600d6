"""Factories for test data; they write through the same actions the product uses."""

from __future__ import annotations

import itertools

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.actions import create_unit_map
from backend.domain.buildings.models import Building
from backend.domain.buildings.registry import UnitMapPlan, plan_section
from backend.domain.staff.actions import do_create_api_token, do_create_user
from backend.domain.staff.models import User

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


class Factory:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def building(self, address: str | None = None, entrances: int = 2, floors: int = 5,
                       flats_per_floor: int = 4, time_zone: str = "Europe/Moscow") -> Building:
        number = next(_sequence)
        building = Building(address=address or f"г. Москва, ул. Тестовая, д. {number}", external_id=f"T{number}",
                            time_zone=time_zone)
        self.session.add(building)
        await self.session.flush()
        sections = [plan_section(1 + index * floors * flats_per_floor, range(1, floors + 1), flats_per_floor,
                                 entrance_number=index + 1)
                    for index in range(entrances)]
        await create_unit_map(self.session, building, UnitMapPlan(entrances=sections))
        await self.session.commit()
        return building

    async def user(self, role: str = "dispatcher", buildings: list[Building] = (), all_buildings: bool = False,
                   login: str | None = None, extension: str | None = None) -> User:
        user = await do_create_user(self.session, actor_id=None, login=login or f"{role}{next(_sequence)}",
                                    full_name=f"Тестов {role}", role=role, password=PASSWORD,
                                    building_ids=[b.id for b in buildings], all_buildings=all_buildings,
                                    extension=extension)
        await self.session.commit()
        return user

    async def token(self, user: User) -> str:
        token = await do_create_api_token(self.session, user.login)
        await self.session.commit()
        return token


async def sign_in(client: AsyncTestClient, login: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, CSRF token included."""
    page = await client.get("/login")
    csrf = client.cookies.get("csrftoken") or page.cookies.get("csrftoken")
    response = await client.post("/login", data={"login": login, "password": password, "_csrf_token": csrf},
                                  follow_redirects=False)
    assert response.status_code in (301, 302, 303), response.text


async def default_catalog(session: AsyncSession) -> dict[str, int]:
    """Create the default service catalogue; return category ids by code."""
    from sqlalchemy import select

    from backend.domain.tickets.catalog import ensure_default_catalog
    from backend.domain.tickets.models import ServiceCategory

    await ensure_default_catalog(session)
    await session.commit()
    return {code: category_id for code, category_id in (await session.execute(
        select(ServiceCategory.code, ServiceCategory.id))).all()}


async def make_client(session: AsyncSession, *, last_name: str | None = "Образцов", first_name: str | None = "Иван",
                      patronymic: str | None = "Петрович", phone: str | None = None, premise_id: int | None = None,
                      role: str = "owner", share: str | None = None, organisation_name: str | None = None,
                      inn: str | None = None, legal_form: str | None = None):
    """Create a client through the client actions, optionally with a phone and a relation; commits."""
    from backend.domain.clients.actions import ClientInput, do_create_client
    from backend.domain.clients.relations import do_add_relation

    if organisation_name is not None:
        data = ClientInput(kind="organisation", organisation_name=organisation_name, inn=inn, legal_form=legal_form)
    else:
        data = ClientInput(last_name=last_name, first_name=first_name, patronymic=patronymic, inn=inn)
    client = await do_create_client(session, None, data, phone=phone)
    if premise_id is not None:
        await do_add_relation(session, None, client, premise_id, role, share=share,
                              since="2020-01-01" if role == "tenant" else None)
    await session.commit()
    return client

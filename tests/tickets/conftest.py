"""A building with a dispatcher, a technician and the default catalogue."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import factories


@dataclass
class Desk:
    building: object
    categories: dict[str, int]
    dispatcher: object
    technician: object
    dispatcher_headers: dict[str, str]
    technician_headers: dict[str, str]


@pytest.fixture
async def desk(db, factory) -> Desk:
    building = await factory.building()
    categories = await factories.default_catalog(db)
    dispatcher = await factory.user("dispatcher", buildings=[building])
    technician = await factory.user("technician", buildings=[building])
    return Desk(building, categories, dispatcher, technician,
                {"Authorization": f"Bearer {await factory.token(dispatcher)}"},
                {"Authorization": f"Bearer {await factory.token(technician)}"})


def new_ticket(desk: Desk, **fields) -> dict:
    return {"building_id": desk.building.id, "category_id": desk.categories["plumbing"],
            "description": "Течёт кран на кухне", **fields}

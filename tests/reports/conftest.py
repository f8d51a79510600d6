"""A ticket history in three buildings with different calendars, and the snapshots computed from it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from analytics.ticket_facts_job import run_ticket_facts
from backend.domain.buildings.models import Building
from backend.domain.staff.access import Principal
from backend.domain.staff.actions import principal_of
from backend.domain.staff.models import User
from tests.factories import default_catalog
from tests.reports.history import seed_history

NOW = datetime.now(timezone.utc).replace(microsecond=0)
HISTORY_DAYS = 40
TICKETS = 400


@dataclass
class History:
    buildings: list[Building]
    technicians: list[User]
    admin: Principal
    manager: Principal
    manager_user: User
    start: datetime


@pytest.fixture
async def history(db, factory, database_url) -> History:
    moscow = await factory.building(entrances=1, floors=2, flats_per_floor=2)
    vladivostok = await factory.building(entrances=1, floors=2, flats_per_floor=2, time_zone="Asia/Vladivostok")
    saturdays = await factory.building(entrances=1, floors=2, flats_per_floor=2)
    saturdays.working_hours = {str(day): ["08:00", "20:00"] for day in range(1, 7)}
    await db.commit()
    categories = list((await default_catalog(db)).values())
    technicians = [await factory.user(role="technician", all_buildings=True) for _ in range(3)]
    admin = await factory.user(role="admin", all_buildings=True)
    manager = await factory.user(role="building_manager", buildings=[moscow])
    start = NOW - timedelta(days=HISTORY_DAYS)
    buildings = [moscow, vladivostok, saturdays]
    await seed_history(db, buildings, categories, [user.id for user in technicians], count=TICKETS,
                       start=start, days=HISTORY_DAYS - 1, now=NOW)
    await asyncio.to_thread(run_ticket_facts, database_url, now=NOW)
    return History(buildings, technicians, principal_of(admin), principal_of(manager), manager, start)

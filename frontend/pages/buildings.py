"""Buildings pages: the list and a building with its entrances, floors and premises."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from backend.web.deps import Db
from backend.domain.buildings.queries import get_building_detail, list_buildings
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires


class BuildingsController(Controller):
    path = "/buildings"
    guards = [requires(Permission.BUILDINGS_VIEW)]
    include_in_schema = False

    @get("/")
    async def buildings(self, request: Request, db: Db, q: str = "") -> Template:
        buildings = await list_buildings(db, principal_of(request), q)
        totals = {"premises": sum(b.premises_total for b in buildings)}
        return Template("buildings/list.html", context={"buildings": buildings, "q": q, "totals": totals})

    @get("/{building_id:int}")
    async def building(self, request: Request, db: Db, building_id: int) -> Template:
        building = await get_building_detail(db, principal_of(request), building_id)
        return Template("buildings/detail.html", context={"building": building})

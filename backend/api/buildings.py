"""JSON API: buildings and their unit maps."""

from __future__ import annotations

from litestar import Controller, Request, get
from sqlalchemy.ext.asyncio import AsyncSession

from backend.web.deps import Db
from backend.domain.buildings.queries import (BuildingDetail, BuildingSummary, PremiseChoice, find_premises,
                                              get_building_detail, list_buildings)
from backend.domain.staff.roles import Permission
from backend.web.guards import principal_of, requires


class BuildingsApi(Controller):
    path = "/api/v1/buildings"
    guards = [requires(Permission.BUILDINGS_VIEW)]
    tags = ["buildings"]

    @get("/")
    async def list_buildings(self, request: Request, db: Db, q: str = "") -> list[BuildingSummary]:
        """Buildings in the caller's scope, each with its premise counts by kind."""
        return await list_buildings(db, principal_of(request), q)

    @get("/{building_id:int}")
    async def get_building(self, request: Request, db: Db, building_id: int) -> BuildingDetail:
        """A building with its entrances, floors (top-down) and premises."""
        return await get_building_detail(db, principal_of(request), building_id)

    @get("/{building_id:int}/premises")
    async def find_premises(self, request: Request, db: Db, building_id: int, q: str = "") -> list[PremiseChoice]:
        """Premises whose label starts with `q` (`45`, `12а`, `Н1`), for quick look-up in forms."""
        return await find_premises(db, principal_of(request), building_id, q)

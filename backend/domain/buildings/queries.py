"""Read models of buildings: lists with premise counts, and a building's unit map."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from backend.domain.buildings.models import Building, Entrance, Floor, Premise, PremiseKind
from backend.domain.staff.access import Principal, access_building, scope_filter


class BuildingSummary(msgspec.Struct):
    id: int
    external_id: str | None
    address: str
    kind: str
    time_zone: str
    entrances: int
    premises_total: int
    premises_by_kind: dict[str, int]


class PremiseView(msgspec.Struct):
    id: int
    label: str
    kind: str
    area: Decimal | None
    account_number: str | None
    floors_spanned: int


class FloorView(msgspec.Struct):
    id: int
    number: int
    premises: list[PremiseView]


class EntranceView(msgspec.Struct):
    id: int
    number: int
    name: str | None
    floors: list[FloorView]


class BuildingDetail(msgspec.Struct):
    id: int
    external_id: str | None
    address: str
    kind: str
    time_zone: str
    latitude: Decimal | None
    longitude: Decimal | None
    year_built: int | None
    series: str | None
    premises_by_kind: dict[str, int]
    entrances: list[EntranceView]


async def premise_counts(session: AsyncSession, building_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Count premises by kind for each building (all buildings when `building_ids` is None)."""
    query = select(Premise.building_id, Premise.kind, func.count()).group_by(Premise.building_id, Premise.kind)
    if building_ids is not None:
        query = query.where(Premise.building_id.in_(building_ids))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for building_id, kind, count in await session.execute(query):
        counts[building_id][kind] = count
    return counts


async def list_buildings(session: AsyncSession, principal: Principal, search: str = "") -> list[BuildingSummary]:
    entrance_count = (select(func.count(Entrance.id)).where(Entrance.building_id == Building.id)
                      .correlate(Building).scalar_subquery())
    query = (select(Building, entrance_count).where(scope_filter(principal, Building.id))
             .order_by(Building.address))
    if search.strip():
        query = query.where(Building.address.ilike(f"%{search.strip()}%"))
    rows = (await session.execute(query)).all()
    counts = await premise_counts(session, [building.id for building, _ in rows])
    return [_summary(building, entrances, counts.get(building.id, {})) for building, entrances in rows]


def _summary(building: Building, entrances: int, counts: dict[str, int]) -> BuildingSummary:
    ordered = {kind: counts[kind] for kind in PremiseKind.ALL if kind in counts}
    return BuildingSummary(id=building.id, external_id=building.external_id, address=building.address,
                           kind=building.kind, time_zone=building.time_zone, entrances=entrances,
                           premises_total=sum(ordered.values()), premises_by_kind=ordered)


async def get_building_detail(session: AsyncSession, principal: Principal, building_id: int) -> BuildingDetail:
    building = await access_building(session, principal, building_id)
    entrances = (await session.scalars(
        select(Entrance).where(Entrance.building_id == building.id).order_by(Entrance.number)
        .options(selectinload(Entrance.floors).selectinload(Floor.premises)))).all()
    counts = (await premise_counts(session, [building.id])).get(building.id, {})
    return BuildingDetail(
        id=building.id, external_id=building.external_id, address=building.address, kind=building.kind,
        time_zone=building.time_zone, latitude=building.latitude, longitude=building.longitude,
        year_built=building.year_built, series=building.series,
        premises_by_kind={kind: counts[kind] for kind in PremiseKind.ALL if kind in counts},
        entrances=[_entrance_view(entrance) for entrance in entrances])


def _entrance_view(entrance: Entrance) -> EntranceView:
    floors = [FloorView(id=floor.id, number=floor.number,
                        premises=[PremiseView(id=p.id, label=p.label, kind=p.kind, area=p.area,
                                              account_number=p.account_number, floors_spanned=p.floors_spanned)
                                  for p in floor.premises])
              for floor in sorted(entrance.floors, key=lambda floor: floor.number, reverse=True)]
    return EntranceView(id=entrance.id, number=entrance.number, name=entrance.name, floors=floors)


class PremiseChoice(msgspec.Struct):
    id: int
    label: str
    kind: str
    entrance_number: int
    floor_number: int


async def find_premises(session: AsyncSession, principal: Principal, building_id: int, label_prefix: str,
                        limit: int = 20) -> list[PremiseChoice]:
    """Premises of a building whose label starts with `label_prefix` (case-insensitive), exact match first."""
    await access_building(session, principal, building_id)
    prefix = label_prefix.strip().upper()
    query = (select(Premise.id, Premise.label, Premise.kind, Entrance.number, Floor.number)
             .join(Floor, Floor.id == Premise.floor_id).join(Entrance, Entrance.id == Floor.entrance_id)
             .where(Premise.building_id == building_id, func.upper(Premise.label).startswith(prefix, autoescape=True))
             .order_by((func.upper(Premise.label) != prefix), func.length(Premise.label), Premise.label).limit(limit))
    return [PremiseChoice(id=pid, label=label, kind=kind, entrance_number=entrance, floor_number=floor)
            for pid, label, kind, entrance, floor in (await session.execute(query)).all()]


class BuildingChoice(msgspec.Struct):
    id: int
    address: str


async def building_choices(session: AsyncSession, principal: Principal) -> list[BuildingChoice]:
    """Ids and addresses of the user's buildings, for pickers and filters."""
    rows = await session.execute(select(Building.id, Building.address).where(scope_filter(principal, Building.id))
                                 .order_by(Building.address))
    return [BuildingChoice(id=building_id, address=address) for building_id, address in rows.all()]

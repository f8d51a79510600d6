"""Buildings use cases: importing the housing registry and creating unit maps from plans."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.actions import record_audit
from backend.domain.buildings.models import Building, BuildingKind, Entrance, Floor, Premise
from backend.domain.buildings.registry import (RegistryBuilding, RegistryParseResult, RejectedRow, RowWarning,
                                               UnitMapPlan, plan_unit_map)

log = structlog.get_logger(__name__)

REGISTRY_TIME_ZONE = "Europe/Moscow"  # the Reforma GKH sample covers Moscow only


class ImportReport(msgspec.Struct):
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    unit_maps_created: list[str] = []
    unit_maps_kept: list[str] = []
    """Buildings whose existing unit map differs from the registry's counts; edits are never overwritten."""
    rejected: list[RejectedRow] = []
    warnings: list[RowWarning] = []


async def do_import_registry(session: AsyncSession, parsed: RegistryParseResult,
                             actor_id: int | None = None) -> ImportReport:
    """Create or update buildings by registry id; draft a unit map for buildings that have none.

    A building's existing unit map is never replaced, because people edit it after the import;
    a second run over the same file therefore changes nothing.
    """
    report = ImportReport(rejected=list(parsed.rejected), warnings=list(parsed.warnings))
    existing = {b.external_id: b for b in (await session.scalars(
        select(Building).where(Building.external_id.in_([row.house_id for row in parsed.rows])))).all()}
    counts = await _premise_totals(session, [b.id for b in existing.values()])
    for row in parsed.rows:
        building = existing.get(row.house_id)
        if building is None:
            building = _new_building(row)
            session.add(building)
            report.created.append(row.house_id)
        elif _apply_registry_fields(building, row):
            report.updated.append(row.house_id)
        else:
            report.unchanged.append(row.house_id)
        await _ensure_unit_map(session, building, row, counts.get(building.id, 0) if building.id else 0, report)
    record_audit(session, actor_id, "buildings.imported", "registry", "reformagkh", created=len(report.created),
                 updated=len(report.updated), rejected=len(report.rejected))
    log.info("registry_imported", created=len(report.created), updated=len(report.updated),
             unchanged=len(report.unchanged), rejected=len(report.rejected))
    return report


async def _premise_totals(session: AsyncSession, building_ids: list[int]) -> dict[int, int]:
    rows = await session.execute(select(Premise.building_id, func.count()).where(Premise.building_id.in_(building_ids))
                                 .group_by(Premise.building_id))
    return dict(rows.all())


def _registry_fields(row: RegistryBuilding) -> dict[str, object]:
    return {"address": row.address, "year_built": row.year, "series": row.serie, "area_total": row.area_total,
            "latitude": row.lat, "longitude": row.lon}


def _new_building(row: RegistryBuilding) -> Building:
    return Building(external_id=row.house_id, kind=BuildingKind.RESIDENTIAL, time_zone=REGISTRY_TIME_ZONE,
                    **_registry_fields(row))


def _apply_registry_fields(building: Building, row: RegistryBuilding) -> bool:
    """Copy the registry's fields onto `building`; return whether anything changed."""
    changed = False
    for name, value in _registry_fields(row).items():
        if getattr(building, name) != value:
            setattr(building, name, value)
            changed = True
    return changed


async def _ensure_unit_map(session: AsyncSession, building: Building, row: RegistryBuilding, premises_now: int,
                           report: ImportReport) -> None:
    if premises_now == 0:
        await session.flush()
        await create_unit_map(session, building, plan_unit_map(row))
        report.unit_maps_created.append(row.house_id)
    elif premises_now != row.premises_total:
        report.unit_maps_kept.append(row.house_id)


async def create_unit_map(session: AsyncSession, building: Building, plan: UnitMapPlan) -> None:
    """Insert entrances, floors and premises of `plan` into a building that has none of them."""
    for entrance_plan in plan.entrances:
        entrance = Entrance(building_id=building.id, number=entrance_plan.number)
        session.add(entrance)
        await session.flush()
        floors = [Floor(entrance_id=entrance.id, number=f.number) for f in entrance_plan.floors]
        session.add_all(floors)
        await session.flush()
        session.add_all(_premises(building.id, zip(floors, entrance_plan.floors)))
    await session.flush()


def _premises(building_id: int, floors: Iterable) -> list[Premise]:
    return [Premise(building_id=building_id, floor_id=floor.id, label=p.label, kind=p.kind, area=p.area,
                    position=position)
            for floor, floor_plan in floors for position, p in enumerate(floor_plan.premises)]

"""The registry import: real buildings with the registry's totals, idempotent, bad rows reported."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from backend.demo import REGISTRY_SAMPLE
from backend.domain.buildings.actions import do_import_registry
from backend.domain.buildings.models import Building, Premise
from backend.domain.buildings.registry import RegistryFileError, parse_registry
from backend.importer import print_report

pytestmark = pytest.mark.asyncio


async def _import(db):
    with REGISTRY_SAMPLE.open(encoding="utf-8") as registry:
        report = await do_import_registry(db, parse_registry(registry))
    await db.commit()
    return report


async def test_sample_totals_match_registry(db):
    report = await _import(db)
    assert len(report.created) == 61
    assert [row.house_id for row in report.rejected] == ["7828085", "7828085"]
    with REGISTRY_SAMPLE.open(encoding="utf-8") as registry:
        rows = {row.house_id: row for row in parse_registry(registry).rows}
    counts = dict((await db.execute(select(Building.external_id, func.count(Premise.id))
                                    .join(Premise, Premise.building_id == Building.id)
                                    .group_by(Building.external_id))).all())
    assert counts == {house_id: row.premises_total for house_id, row in rows.items()}


async def test_second_import_changes_nothing(db):
    await _import(db)
    premises_before = await db.scalar(select(func.count(Premise.id)))
    second = await _import(db)
    assert second.created == []
    assert second.updated == []
    assert len(second.unchanged) == 61
    assert second.unit_maps_created == []
    assert await db.scalar(select(func.count(Premise.id))) == premises_before


async def test_report_names_building_and_reason(db, capsys):
    print_report(await _import(db))
    output = capsys.readouterr().out
    assert "7828085" in output
    assert "LEVELS_MIN" in output


async def test_unknown_columns_reject_file():
    with pytest.raises(RegistryFileError) as error:
        parse_registry(io.StringIO("ID,NAME\n1,x\n"))
    assert error.value.code == "registry_unknown_columns"


async def test_api_counts_premises_by_kind(client, db, factory):
    await _import(db)
    admin = await factory.user("admin", all_buildings=True)
    headers = {"Authorization": f"Bearer {await factory.token(admin)}"}
    buildings = (await client.get("/api/v1/buildings", headers=headers)).json()
    by_id = {b["external_id"]: b for b in buildings}
    assert by_id["7827509"]["premises_by_kind"] == {"flat": 375, "commercial": 1}
    assert by_id["7827509"]["entrances"] == 11
    detail = (await client.get(f"/api/v1/buildings/{by_id['7827289']['id']}", headers=headers)).json()
    assert len(detail["entrances"][0]["floors"]) == 40


async def test_report_counts_rows_not_reasons(db, capsys):
    print_report(await _import(db))
    assert "Пропущена 1 строка:" in capsys.readouterr().out

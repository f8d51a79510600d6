"""The шахматка: real registry buildings, real shapes, layers, the editor and selections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.db.base import utcnow
from backend.domain.buildings.actions import do_import_registry
from backend.domain.buildings.models import Building, Floor, Premise
from backend.domain.buildings.registry import parse_registry
from backend.domain.buildings.unit_map_editor import (do_add_floor, do_add_premise, do_generate_section,
                                                      do_remove_premise, do_update_premise)
from backend.domain.buildings.unit_map_view import unit_map
from backend.domain.errors import DomainError
from backend.domain.selections.actions import do_save_selection, selection_client_ids
from backend.domain.staff.actions import principal_of
from backend.domain.tickets.models import ServiceCategory, Ticket
from tests.factories import make_client, sign_in

REGISTRY = "data/buildings/buildings-reformagkh-moscow-sample.csv"


async def add_ticket(db, premise: Premise, priority: str = "normal", overdue: bool = False) -> Ticket:
    category = await db.scalar(select(ServiceCategory).where(ServiceCategory.code == "test"))
    if category is None:
        category = ServiceCategory(code="test", name="Сантехника")
        db.add(category)
        await db.flush()
    ticket = Ticket(building_id=premise.building_id, premise_id=premise.id, channel="phone", category_id=category.id,
                    priority=priority, description="Течёт кран",
                    resolution_due_at=utcnow() - timedelta(hours=1) if overdue else utcnow() + timedelta(days=1))
    db.add(ticket)
    await db.flush()
    return ticket


async def test_registry_buildings_render_registry_totals(db, factory):
    with open(REGISTRY, encoding="utf-8") as registry:
        parsed = parse_registry(registry)
    await do_import_registry(db, parsed)
    await db.commit()
    admin = principal_of(await factory.user("admin", all_buildings=True))
    by_house = {b.external_id: b.id for b in await db.scalars(select(Building))}
    for row in parsed.rows:
        view = await unit_map(db, admin, by_house[row.house_id])
        cells = [cell for entrance in view.entrances for cell in entrance.cells]
        assert len(cells) == row.premises_total, row.house_id
        assert view.premises_by_kind.get("flat", 0) == row.flats, row.house_id
        assert view.premises_by_kind.get("commercial", 0) == row.non_residential, row.house_id
        assert len(view.entrances) == row.entrances, row.house_id
        assert len({(e.id, c.row, c.column) for e in view.entrances for c in e.cells}) == len(cells)


async def test_real_shapes_place_cells(db, factory):
    building = await factory.building(entrances=2, floors=3, flats_per_floor=2)
    admin = principal_of(await factory.user("admin", all_buildings=True))
    view = await unit_map(db, admin, building.id)
    first = view.entrances[0]
    await do_add_floor(db, None, building, first.id, -1)
    await do_add_floor(db, None, building, first.id, 4)
    basement = await db.scalar(select(Floor).where(Floor.entrance_id == first.id, Floor.number == -1))
    floor3 = await db.scalar(select(Floor).where(Floor.entrance_id == first.id, Floor.number == 3))
    parking = await do_add_premise(db, None, building, basement.id, kind="parking")
    duplex = await do_add_premise(db, None, building, floor3.id, label="12а", floors_spanned=2)
    await db.commit()

    view = await unit_map(db, admin, building.id)
    assert view.floor_numbers == [4, 3, 2, 1, -1]
    cells = {cell.id: cell for cell in view.entrances[0].cells}
    assert (cells[parking.id].label, cells[parking.id].row) == ("1", 5)
    assert (cells[duplex.id].label, cells[duplex.id].row, cells[duplex.id].floors_spanned) == ("12А", 1, 2)
    assert 4 not in view.entrances[1].floors


async def test_layers_count_tickets_and_people(db, factory):
    building = await factory.building(entrances=1, floors=2, flats_per_floor=2)
    premises = list(await db.scalars(select(Premise).where(Premise.building_id == building.id).order_by(Premise.id)))
    await add_ticket(db, premises[0])
    await add_ticket(db, premises[0], priority="emergency")
    await add_ticket(db, premises[1], overdue=True)
    await make_client(db, last_name="Иванов", premise_id=premises[0].id)
    await make_client(db, last_name="Петров", premise_id=premises[1].id, role="tenant")
    await db.commit()

    view = await unit_map(db, principal_of(await factory.user("admin", all_buildings=True)), building.id)
    cells = {cell.id: cell for cell in view.entrances[0].cells}
    assert (cells[premises[0].id].tickets, cells[premises[0].id].emergency) == (2, True)
    assert cells[premises[1].id].overdue is True
    assert [cells[p.id].occupancy for p in premises] == ["owner", "tenant", "unknown", "unknown"]
    assert view.open_tickets == 3


async def test_editor_keeps_references(db, factory):
    building = await factory.building(entrances=1, floors=2, flats_per_floor=2)
    premise = await db.scalar(select(Premise).where(Premise.building_id == building.id, Premise.label == "1"))
    ticket = await add_ticket(db, premise)
    await make_client(db, last_name="Иванов", premise_id=premise.id)

    changed = await do_update_premise(db, None, building, premise.id, label="1А", kind="apartment")
    assert changed == ["label", "kind"]
    assert (await db.get(Ticket, ticket.id)).premise_id == premise.id
    with pytest.raises(DomainError) as error:
        await do_remove_premise(db, None, building, premise.id)
    assert error.value.code == "premise_referenced"
    with pytest.raises(DomainError) as error:
        await do_update_premise(db, None, building, premise.id, label="2", kind="flat")
    assert error.value.code == "premise_label_taken"


async def test_generate_section_numbers_continuously(db, factory):
    building = await factory.building(entrances=1, floors=2, flats_per_floor=2)
    entrance = await do_generate_section(db, None, building, entrance_number=2, lowest_floor=-1, highest_floor=3,
                                         per_floor=3)
    labels = list(await db.scalars(select(Premise.label).join(Floor).where(Floor.entrance_id == entrance.id)
                                   .order_by(Floor.number, Premise.position)))
    assert labels == [str(n) for n in range(5, 17)]
    with pytest.raises(DomainError) as error:
        await do_generate_section(db, None, building, entrance_number=3, lowest_floor=1, highest_floor=2,
                                  per_floor=2, first_label=3)
    assert error.value.code == "premise_label_taken"


async def test_selection_resolves_current_clients(db, factory):
    building = await factory.building(entrances=1, floors=2, flats_per_floor=2)
    premises = list(await db.scalars(select(Premise).where(Premise.building_id == building.id).order_by(Premise.id)))
    owner = await make_client(db, last_name="Иванов", premise_id=premises[0].id)
    await make_client(db, last_name="Петров", premise_id=premises[3].id)
    selection = await do_save_selection(db, None, building, "Первый этаж", [p.id for p in premises[:2]],
                                        {"floors": [1]})
    assert await selection_client_ids(db, selection.id, utcnow().date()) == [owner.id]
    with pytest.raises(DomainError) as error:
        await do_save_selection(db, None, building, "Первый этаж", [premises[0].id])
    assert error.value.code == "selection_name_taken"
    other = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    foreign = await db.scalar(select(Premise.id).where(Premise.building_id == other.id))
    with pytest.raises(DomainError) as error:
        await do_save_selection(db, None, building, "Чужое", [foreign])
    assert error.value.code == "selection_premise_foreign"


async def test_map_pages_render_and_panel(client, db, factory):
    building = await factory.building(entrances=2, floors=3, flats_per_floor=2)
    premise = await db.scalar(select(Premise).where(Premise.building_id == building.id, Premise.label == "3"))
    person = await make_client(db, last_name="Иванов", premise_id=premise.id)
    await add_ticket(db, premise, priority="emergency")
    await db.commit()
    user = await factory.user("building_manager", buildings=[building])
    await sign_in(client, user.login)

    page = await client.get(f"/buildings/{building.id}/map")
    assert page.status_code == 200
    assert page.text.count('class="unitmap-cell') == 12
    panel = await client.get(f"/buildings/{building.id}/map/premises/{premise.id}")
    assert f'href="/clients/{person.id}"' in panel.text
    cell = await client.get(f"/buildings/{building.id}/map/cells/{premise.id}")
    assert (cell.json()["tickets"], cell.json()["emergency"], cell.json()["owners"]) == (1, True, 1)

    editor = await client.get(f"/buildings/{building.id}/map/edit")
    assert editor.status_code == 200
    csrf = client.cookies.get("csrftoken")
    floor = await db.scalar(select(Floor.id).join(Premise, Premise.floor_id == Floor.id)
                            .where(Premise.id == premise.id))
    added = await client.post(f"/buildings/{building.id}/map/edit/premise",
                              data={"floor_id": floor, "label": "", "kind": "storage", "_csrf_token": csrf},
                              follow_redirects=False)
    assert added.status_code in (302, 303), added.text
    assert await db.scalar(select(func.count()).select_from(Premise).where(Premise.kind == "storage")) == 1

    saved = await client.post(f"/buildings/{building.id}/map/selections",
                              json={"name": "Подъезд 1", "premise_ids": [premise.id], "criteria": {"entrances": [1]}},
                              headers={"x-csrftoken": csrf})
    assert saved.status_code == 201, saved.text


async def test_map_hidden_outside_scope(client, db, factory):
    building = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    other = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    user = await factory.user("building_manager", buildings=[other])
    await sign_in(client, user.login)
    assert (await client.get(f"/buildings/{building.id}/map")).status_code == 404

"""Input the database would reject becomes a 400 that names the problem, never a 500."""

from __future__ import annotations

import pytest

from backend.domain.errors import DomainError
from backend.domain.staff.actions import do_update_user
from tests import factories

pytestmark = pytest.mark.asyncio


async def _headers(factory, role="dispatcher", **kwargs):
    user = await factory.user(role, **kwargs)
    return {"Authorization": f"Bearer {await factory.token(user)}"}


async def test_huge_id_is_400(client, factory):
    headers = await _headers(factory, all_buildings=True)
    response = await client.get("/api/v1/buildings/2147483648", headers=headers)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_nul_byte_is_400(client, db, factory):
    building = await factory.building()
    categories = await factories.default_catalog(db)
    headers = await _headers(factory, all_buildings=True)
    response = await client.post("/api/v1/tickets", headers=headers, json={
        "building_id": building.id, "category_id": categories["lift"], "description": "Лифт\u0000стоит"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


async def test_missing_field_named_in_russian(client, factory):
    headers = await _headers(factory, all_buildings=True)
    response = await client.post("/api/v1/tickets", headers=headers, json={"building_id": 1})
    assert response.status_code == 400
    problem = response.json()
    assert problem["field"] == "category_id"
    assert problem["title"] == "Не заполнено обязательное поле «category_id»."


async def test_wrong_type_named_in_russian(client, factory):
    headers = await _headers(factory, all_buildings=True)
    response = await client.post("/api/v1/tickets", headers=headers,
                                 json={"building_id": "один", "category_id": 1, "description": "x"})
    assert response.status_code == 400
    assert response.json()["title"] == "Поле «building_id» должно быть целым числом."


async def test_malformed_json_is_body_invalid(client, factory):
    headers = {**await _headers(factory, all_buildings=True), "content-type": "application/json"}
    response = await client.post("/api/v1/tickets", headers=headers, content=b"{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "body_invalid"


async def test_far_hold_date_rejected(client, db, factory):
    building = await factory.building()
    categories = await factories.default_catalog(db)
    headers = await _headers(factory, buildings=[building])
    ticket = (await client.post("/api/v1/tickets", headers=headers, json={
        "building_id": building.id, "category_id": categories["lift"], "description": "Лифт"})).json()["ticket"]
    response = await client.post(f"/api/v1/tickets/{ticket['id']}/transition", headers=headers, json={
        "status": "on_hold", "reason": "Ждём", "hold_until": "9999-12-31T23:59:59Z"})
    assert response.status_code == 400
    assert response.json()["code"] == "hold_until_too_far"


async def test_admin_cannot_demote_self(db, factory):
    admin = await factory.user("admin", all_buildings=True)
    with pytest.raises(DomainError) as error:
        await do_update_user(db, admin, actor_id=admin.id, full_name="A", role="dispatcher", building_ids=[],
                             all_buildings=True, is_active=True, extension=None)
    assert error.value.code == "admin_self_demotion"


async def test_last_admin_kept(db, factory):
    admin = await factory.user("admin", all_buildings=True)
    other = await factory.user("dispatcher", all_buildings=True)
    with pytest.raises(DomainError) as error:
        await do_update_user(db, admin, actor_id=other.id, full_name="A", role="admin", building_ids=[],
                             all_buildings=True, is_active=False, extension=None)
    assert error.value.code == "last_admin"

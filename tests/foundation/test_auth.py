"""Sign-in, lock-out, sign-out, CSRF and the building scope of pages and the API."""

from __future__ import annotations

import pytest

from backend.domain.staff.actions import MAX_FAILED_LOGINS
from tests.factories import PASSWORD, sign_in

pytestmark = pytest.mark.asyncio


async def test_sign_in_opens_board(client, factory):
    user = await factory.user("dispatcher", all_buildings=True)
    await sign_in(client, user.login)
    response = await client.get("/", follow_redirects=False)
    assert response.headers["location"] == "/board"


async def test_wrong_password_message(client, factory):
    user = await factory.user("dispatcher")
    await client.get("/login")
    response = await client.post("/login", data={"login": user.login, "password": "nope",
                                                 "_csrf_token": client.cookies.get("csrftoken")})
    assert response.status_code == 400
    assert "Неверный логин или пароль." in response.text


async def test_lockout_after_failures(client, factory):
    user = await factory.user("dispatcher")
    await client.get("/login")
    for _ in range(MAX_FAILED_LOGINS):
        await client.post("/login", data={"login": user.login, "password": "nope",
                                          "_csrf_token": client.cookies.get("csrftoken")})
    response = await client.post("/login", data={"login": user.login, "password": PASSWORD,
                                                 "_csrf_token": client.cookies.get("csrftoken")})
    assert response.status_code == 400
    assert "Слишком много неудачных попыток входа" in response.text


async def test_form_without_csrf_rejected(client, factory):
    user = await factory.user("dispatcher")
    response = await client.post("/login", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 403
    assert "session" not in client.cookies.get("domovoy_session", "")


async def test_sign_out_ends_session(client, factory):
    user = await factory.user("dispatcher", all_buildings=True)
    await sign_in(client, user.login)
    assert (await client.get("/buildings")).status_code == 200
    await client.post("/logout", data={"_csrf_token": client.cookies.get("csrftoken")})
    response = await client.get("/buildings", follow_redirects=False)
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].startswith("/login")


async def test_buildings_limited_to_scope(client, factory):
    mine = await factory.building(address="г. Москва, ул. Моя, д. 1")
    await factory.building(address="г. Москва, ул. Чужая, д. 2")
    manager = await factory.user("building_manager", buildings=[mine])
    headers = {"Authorization": f"Bearer {await factory.token(manager)}"}
    listed = (await client.get("/api/v1/buildings", headers=headers)).json()
    assert [b["address"] for b in listed] == ["г. Москва, ул. Моя, д. 1"]


async def test_out_of_scope_building_404(client, factory):
    mine = await factory.building()
    other = await factory.building()
    manager = await factory.user("building_manager", buildings=[mine])
    headers = {"Authorization": f"Bearer {await factory.token(manager)}"}
    response = await client.get(f"/api/v1/buildings/{other.id}", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "building_not_found"


async def test_admin_page_needs_admin(client, factory):
    user = await factory.user("dispatcher", all_buildings=True)
    await sign_in(client, user.login)
    response = await client.get("/admin/users")
    assert response.status_code == 403
    assert "Доступ запрещён" in response.text


async def test_admin_creates_user_with_scope(client, factory):
    admin = await factory.user("admin", all_buildings=True)
    building = await factory.building()
    await sign_in(client, admin.login)
    await client.get("/admin/users/new")
    response = await client.post("/admin/users/new", data={
        "login": "guard7", "full_name": "Охранов Глеб", "role": "guard", "password": "long enough password",
        "building_ids": str(building.id), "_csrf_token": client.cookies.get("csrftoken")}, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    listing = await client.get("/admin/users")
    assert "guard7" in listing.text


async def test_admin_form_shows_field_error(client, factory):
    admin = await factory.user("admin", all_buildings=True)
    await sign_in(client, admin.login)
    await client.get("/admin/users/new")
    response = await client.post("/admin/users/new", data={
        "login": "x", "full_name": "Коротков", "role": "guard", "password": "long enough password",
        "_csrf_token": client.cookies.get("csrftoken")})
    assert response.status_code == 400
    assert 'data-field="login"' in response.text

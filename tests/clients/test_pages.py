"""Client pages and the JSON API through the full application."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.domain.audit.models import AuditEntry
from backend.domain.buildings.models import Premise
from backend.domain.clients.models import Client, ClientPhone
from tests.factories import make_client, sign_in


async def csrf_of(client) -> str:
    return client.cookies.get("csrftoken")


async def test_search_page_and_api(client, db, factory):
    building = await factory.building(address="г. Москва, ул. Часовая, д. 19, к. 3")
    flat = await db.scalar(select(Premise).where(Premise.building_id == building.id, Premise.label == "7"))
    person = await make_client(db, last_name="Ёлкин", phone="+79990001234", premise_id=flat.id)
    user = await factory.user("dispatcher", all_buildings=True)
    await sign_in(client, user.login)

    page = await client.get("/clients", params={"q": "елкин"})
    assert page.status_code == 200
    assert f'href="/clients/{person.id}"' in page.text

    partial = await client.get("/clients/search", params={"q": "1234"})
    assert f'href="/clients/{person.id}"' in partial.text

    token = await factory.token(user)
    api = await client.get("/api/v1/search", params={"q": "часовая 19 кв 7"},
                           headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert [(hit["kind"], hit["id"]) for hit in api.json()] == [("premise", flat.id)]


async def test_card_page_audits_and_edits(client, db, factory):
    person = await make_client(db, last_name="Иванов", phone="+79990001111")
    user = await factory.user("dispatcher", all_buildings=True)
    await sign_in(client, user.login)

    card = await client.get(f"/clients/{person.id}")
    assert card.status_code == 200
    assert "+7 (999) 000-11-11" in card.text
    assert await db.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.action == "client.card_viewed")) == 1

    csrf = await csrf_of(client)
    added = await client.post(f"/clients/{person.id}/phone", data={"phone": "8 912 000 00 01", "kind": "home",
                                                                   "_csrf_token": csrf}, follow_redirects=False)
    assert added.status_code in (302, 303)
    assert await db.scalar(select(func.count()).select_from(ClientPhone)
                           .where(ClientPhone.client_id == person.id)) == 2

    rejected = await client.post(f"/clients/{person.id}/identity",
                                 data={"kind": "person", "last_name": "Иванов", "birth_date": "99.99.1999",
                                       "_csrf_token": csrf})
    assert rejected.status_code == 400
    assert 'data-field="birth_date"' in rejected.text


async def test_new_client_form_creates_card(client, db, factory):
    user = await factory.user("account_manager", all_buildings=True)
    await sign_in(client, user.login)
    response = await client.post("/clients/new", data={"kind": "organisation", "organisation_name": "Ромашка",
                                                       "legal_form": "ООО", "inn": "7707083893",
                                                       "phone": "+7 495 000-00-00",
                                                       "_csrf_token": await csrf_of(client)},
                                 follow_redirects=False)
    assert response.status_code in (302, 303)
    created = await db.scalar(select(Client).where(Client.inn == "7707083893"))
    assert response.headers["location"] == f"/clients/{created.id}"


async def test_guard_cannot_open_cards(client, db, factory):
    person = await make_client(db, last_name="Иванов")
    guard = await factory.user("guard", all_buildings=True)
    await sign_in(client, guard.login)
    assert (await client.get(f"/clients/{person.id}")).status_code == 403
    token = await factory.token(guard)
    api = await client.get(f"/api/v1/clients/{person.id}", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 403


async def test_api_merge_moves_phone(client, db, factory):
    first = await make_client(db, last_name="Петров", phone="+79990002222")
    second = await make_client(db, last_name="Петров", phone="+79990003333")
    user = await factory.user("dispatcher", all_buildings=True)
    headers = {"Authorization": f"Bearer {await factory.token(user)}"}

    duplicates = await client.get("/api/v1/clients/duplicates", headers=headers)
    assert duplicates.json() == []
    merged = await client.post(f"/api/v1/clients/{first.id}/merge", json={"duplicate_id": second.id},
                               headers=headers)
    assert merged.status_code == 201, merged.text
    assert merged.json()["moved"] == {"client_phones": 1}
    card = (await client.get(f"/api/v1/clients/{first.id}", headers=headers)).json()
    assert [phone["e164"] for phone in card["phones"]] == ["+79990002222", "+79990003333"]
    assert card["merged_from"] == [second.id]

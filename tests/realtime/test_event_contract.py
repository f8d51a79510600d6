"""Live events keep a client's state equal to a fresh fetch, across reconnects and restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from backend.db.base import utcnow
from tests import factories
from tests.realtime.client import LiveClient

pytestmark = pytest.mark.asyncio


async def _state(http: httpx.AsyncClient, building_id: int) -> dict[int, dict]:
    response = await http.get("/api/v1/tickets", params={"building": building_id, "limit": 200})
    assert response.status_code == 200, response.text
    return {row["id"]: row for row in response.json()["items"]}


def _apply(state: dict[int, dict], envelope: dict) -> None:
    if envelope["type"].startswith("ticket."):
        row = envelope["data"]["ticket"]
        state[row["id"]] = row


async def _scenario(http: httpx.AsyncClient, building_id: int, categories: dict[str, int], technician_id: int):
    """Run a sequence of actions; return the id of the last ticket touched."""
    created = []
    for index, priority in enumerate(["emergency", "normal", "urgent"]):
        response = await http.post("/api/v1/tickets", json={
            "building_id": building_id, "category_id": categories["plumbing"], "priority": priority,
            "description": f"Течь под раковиной {index}"})
        assert response.status_code == 201, response.text
        created.append(response.json()["ticket"])
    first, second, third = created
    assert (await http.post(f"/api/v1/tickets/{first['id']}/assign",
                            json={"assignee_id": technician_id})).status_code == 200
    assert (await http.post(f"/api/v1/tickets/{second['id']}/transition", json={
        "status": "on_hold", "reason": "Нет доступа в квартиру",
        "hold_until": (utcnow() + timedelta(days=1)).isoformat()})).status_code == 200
    assert (await http.patch(f"/api/v1/tickets/{third['id']}", json={"version": third["version"],
                                                                      "priority": "planned"})).status_code == 200
    assert (await http.post(f"/api/v1/tickets/{third['id']}/transition", json={
        "status": "cancelled", "reason": "Дубль"})).status_code == 200
    return third["id"]


async def _setup(db, factory):
    building = await factory.building()
    categories = await factories.default_catalog(db)
    dispatcher = await factory.user("dispatcher", buildings=[building])
    technician = await factory.user("technician", buildings=[building])
    return building, categories, await factory.token(dispatcher), technician


async def test_state_plus_events_equals_fresh_state(live, db, factory):
    building, categories, token, technician = await _setup(db, factory)
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        client = await LiveClient.connect(live.ws_url, token)
        state = await _state(http, building.id)
        last_ticket = await _scenario(http, building.id, categories, technician.id)
        events = await client.receive_until(lambda e: e["type"] == "ticket.status_changed"
                                            and e["data"]["ticket"]["id"] == last_ticket)
        for envelope in events:
            _apply(state, envelope)
        assert state == await _state(http, building.id)
        await client.close()


async def test_event_ids_are_monotonic(live, db, factory):
    building, categories, token, technician = await _setup(db, factory)
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        client = await LiveClient.connect(live.ws_url, token)
        last_ticket = await _scenario(http, building.id, categories, technician.id)
        events = await client.receive_until(lambda e: e["type"] == "ticket.status_changed"
                                            and e["data"]["ticket"]["id"] == last_ticket)
        ids = [envelope["id"] for envelope in events]
        assert ids == sorted(ids)
        assert len(set(ids)) == len(ids)
        assert set(events[0]) == {"id", "type", "at", "building_id", "data"}
        await client.close()


async def test_reconnect_replays_missed_events(live, db, factory):
    building, categories, token, technician = await _setup(db, factory)
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        client = await LiveClient.connect(live.ws_url, token)
        state = await _state(http, building.id)
        first = await http.post("/api/v1/tickets", json={"building_id": building.id, "description": "Лифт стоит",
                                                         "category_id": categories["lift"]})
        seen = await client.receive_until(lambda e: e["data"]["ticket"]["id"] == first.json()["ticket"]["id"])
        await client.close()

        last_ticket = await _scenario(http, building.id, categories, technician.id)

        again = await LiveClient.connect(live.ws_url, token, after=seen[-1]["id"])
        missed = await again.receive_until(lambda e: e["type"] == "ticket.status_changed"
                                           and e["data"]["ticket"]["id"] == last_ticket)
        for envelope in seen + missed:
            _apply(state, envelope)
        all_ids = [e["id"] for e in seen + missed]
        assert len(all_ids) == len(set(all_ids)), "an event was delivered twice"
        assert state == await _state(http, building.id)
        await again.close()


async def test_events_survive_web_restart(live, db, factory):
    building, categories, token, technician = await _setup(db, factory)
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        client = await LiveClient.connect(live.ws_url, token)
        last_seen = client.hello_id
        state = await _state(http, building.id)
        await client.close()
        last_ticket = await _scenario(http, building.id, categories, technician.id)

    await live.stop()
    await live.start()
    await live.relay_active()
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        again = await LiveClient.connect(live.ws_url, token, after=last_seen)
        missed = await again.receive_until(lambda e: e["type"] == "ticket.status_changed"
                                           and e["data"]["ticket"]["id"] == last_ticket)
        for envelope in missed:
            _apply(state, envelope)
        assert state == await _state(http, building.id)
        await again.close()


async def test_no_event_outside_scope(live, db, factory):
    building, categories, token, technician = await _setup(db, factory)
    other = await factory.building()
    outsider = await factory.user("dispatcher", buildings=[other])
    outsider_token = await factory.token(outsider)
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        watcher = await LiveClient.connect(live.ws_url, outsider_token)
        await http.post("/api/v1/tickets", json={"building_id": building.id, "description": "Чужая заявка",
                                                 "category_id": categories["lift"]})
    async with httpx.AsyncClient(base_url=live.base_url,
                                 headers={"Authorization": f"Bearer {outsider_token}"}) as http:
        own = await http.post("/api/v1/tickets", json={"building_id": other.id, "description": "Своя заявка",
                                                       "category_id": categories["lift"]})
    received = await watcher.receive()
    assert received["building_id"] == other.id
    assert received["data"]["ticket"]["id"] == own.json()["ticket"]["id"]
    await watcher.close()


async def test_subscribing_outside_scope_rejected(live, db, factory):
    building, _, token, _ = await _setup(db, factory)
    other = await factory.building()
    client = await LiveClient.connect(live.ws_url, token, buildings=str(building.id))
    await client.close()
    with pytest.raises(Exception) as rejected:
        await LiveClient.connect(live.ws_url, token, buildings=f"{building.id},{other.id}")
    assert "4403" in str(rejected.value) or isinstance(rejected.value, InvalidStatus)


async def test_unauthenticated_socket_closed(live):
    with pytest.raises(Exception) as rejected:
        await LiveClient.connect(live.ws_url, "not-a-token")
    assert "4401" in str(rejected.value) or isinstance(rejected.value, InvalidStatus)


async def test_guard_gets_no_ticket_events(live, db, factory):
    building, categories, token, _ = await _setup(db, factory)
    guard = await factory.user("guard", buildings=[building])
    watcher = await LiveClient.connect(live.ws_url, await factory.token(guard))
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        await http.post("/api/v1/tickets", json={"building_id": building.id, "description": "Не для охраны",
                                                 "category_id": categories["lift"]})
    replay = await LiveClient.connect(live.ws_url, await factory.token(guard), after=0)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(watcher.connection.recv(), 1.0)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(replay.connection.recv(), 0.5)
    await watcher.close()
    await replay.close()


async def test_after_beyond_latest_still_live(live, db, factory):
    building, categories, token, _ = await _setup(db, factory)
    client = await LiveClient.connect(live.ws_url, token, after=10**9)
    async with httpx.AsyncClient(base_url=live.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        created = await http.post("/api/v1/tickets", json={"building_id": building.id, "description": "После сброса",
                                                           "category_id": categories["lift"]})
    envelope = await client.receive()
    assert envelope["data"]["ticket"]["id"] == created.json()["ticket"]["id"]
    await client.close()

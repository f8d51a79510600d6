"""Ticket API: creation, duplicates, lifecycle, conflicts, permissions and error messages."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.db.base import utcnow
from backend.domain.tickets.models import Ticket, TimelineEntry
from tests.tickets.conftest import new_ticket

pytestmark = pytest.mark.asyncio


async def test_create_ticket_returns_number(client, desk):
    response = await client.post("/api/v1/tickets", json=new_ticket(desk), headers=desk.dispatcher_headers)
    assert response.status_code == 201, response.text
    row = response.json()["ticket"]
    assert row["number"] >= 1001
    assert row["status"] == "new"
    assert row["response_due_at"] is not None
    assert response.json()["timeline"][0]["kind"] == "created"


async def test_same_idempotency_key_creates_one(client, db, desk):
    headers = {**desk.dispatcher_headers, "Idempotency-Key": "form-42"}
    first = await client.post("/api/v1/tickets", json=new_ticket(desk), headers=headers)
    second = await client.post("/api/v1/tickets", json=new_ticket(desk), headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["ticket"]["id"] == second.json()["ticket"]["id"]
    assert await db.scalar(select(func.count(Ticket.id))) == 1


async def test_concurrent_retries_create_one(client, db, desk):
    headers = {**desk.dispatcher_headers, "Idempotency-Key": "double-click"}
    responses = await asyncio.gather(*[client.post("/api/v1/tickets", json=new_ticket(desk), headers=headers)
                                       for _ in range(5)])
    assert sorted(r.status_code for r in responses) == [200, 200, 200, 200, 201]
    assert len({r.json()["ticket"]["id"] for r in responses}) == 1
    assert await db.scalar(select(func.count(Ticket.id))) == 1


async def test_missing_description_names_field(client, desk):
    response = await client.post("/api/v1/tickets", json=new_ticket(desk, description="  "),
                                 headers=desk.dispatcher_headers)
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "description_missing"
    assert problem["field"] == "description"
    assert problem["title"] == "Опишите проблему."


async def test_premise_of_other_building_rejected(client, desk, factory):
    other = await factory.building()
    detail = (await client.get(f"/api/v1/buildings/{other.id}", headers=desk.dispatcher_headers))
    assert detail.status_code == 404, "the other building is outside the dispatcher's scope"
    response = await client.post("/api/v1/tickets", json=new_ticket(desk, premise_id=999999),
                                 headers=desk.dispatcher_headers)
    assert response.status_code == 400
    assert response.json()["field"] == "premise_id"


async def test_illegal_transition_rejected(client, db, desk):
    created = (await client.post("/api/v1/tickets", json=new_ticket(desk), headers=desk.dispatcher_headers)).json()
    response = await client.post(f"/api/v1/tickets/{created['ticket']['id']}/transition", json={"status": "closed"},
                                 headers=desk.dispatcher_headers)
    assert response.status_code == 400
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["title"] == "Заявку нельзя перевести из статуса «Новая» в «Закрыта»."
    assert await db.scalar(select(Ticket.status)) == "new"


async def test_full_lifecycle_writes_timeline(client, db, desk):
    ticket_id = (await client.post("/api/v1/tickets", json=new_ticket(desk),
                                   headers=desk.dispatcher_headers)).json()["ticket"]["id"]
    steps = [
        (desk.dispatcher_headers, "assign", {"assignee_id": desk.technician.id}),
        (desk.technician_headers, "transition", {"status": "in_progress"}),
        (desk.technician_headers, "transition", {"status": "on_hold", "reason": "Ждём запчасть",
                                                 "hold_until": (utcnow() + timedelta(days=2)).isoformat()}),
        (desk.technician_headers, "transition", {"status": "in_progress"}),
        (desk.technician_headers, "transition", {"status": "completed", "report": "Заменили прокладку"}),
        (desk.dispatcher_headers, "transition", {"status": "closed"}),
        (desk.dispatcher_headers, "transition", {"status": "in_progress"}),
    ]
    for headers, action, body in steps:
        response = await client.post(f"/api/v1/tickets/{ticket_id}/{action}", json=body, headers=headers)
        assert response.status_code == 200, (action, body, response.text)
    kinds = (await db.scalars(select(TimelineEntry.kind).where(TimelineEntry.ticket_id == ticket_id)
                              .order_by(TimelineEntry.id))).all()
    assert kinds == ["created", "assigned", "status_changed", "status_changed", "status_changed", "status_changed",
                     "status_changed", "reopened"]
    transitions = (await db.execute(select(TimelineEntry.from_value, TimelineEntry.to_value, TimelineEntry.actor_id)
                                    .where(TimelineEntry.kind.in_(["status_changed", "reopened"]))
                                    .order_by(TimelineEntry.id))).all()
    assert transitions[0] == ("assigned", "in_progress", desk.technician.id)
    assert transitions[-1] == ("closed", "in_progress", desk.dispatcher.id)


async def test_hold_needs_reason_and_date(client, desk):
    ticket_id = (await client.post("/api/v1/tickets", json=new_ticket(desk),
                                   headers=desk.dispatcher_headers)).json()["ticket"]["id"]
    no_reason = await client.post(f"/api/v1/tickets/{ticket_id}/transition", json={"status": "on_hold"},
                                  headers=desk.dispatcher_headers)
    assert no_reason.json()["field"] == "reason"
    no_date = await client.post(f"/api/v1/tickets/{ticket_id}/transition",
                                json={"status": "on_hold", "reason": "Нет доступа"}, headers=desk.dispatcher_headers)
    assert no_date.json()["field"] == "hold_until"


async def test_second_save_gets_conflict(client, db, desk):
    created = (await client.post("/api/v1/tickets", json=new_ticket(desk), headers=desk.dispatcher_headers)).json()
    ticket_id, version = created["ticket"]["id"], created["ticket"]["version"]
    first = await client.patch(f"/api/v1/tickets/{ticket_id}", json={"version": version, "priority": "urgent"},
                               headers=desk.dispatcher_headers)
    second = await client.patch(f"/api/v1/tickets/{ticket_id}", json={"version": version, "priority": "planned"},
                                headers=desk.dispatcher_headers)
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "ticket_version_conflict"
    assert await db.scalar(select(Ticket.priority).where(Ticket.id == ticket_id)) == "urgent"


async def test_technician_cannot_touch_others_ticket(client, desk, factory):
    other = await factory.user("technician", buildings=[desk.building])
    ticket_id = (await client.post("/api/v1/tickets", json=new_ticket(desk, assignee_id=other.id),
                                   headers=desk.dispatcher_headers)).json()["ticket"]["id"]
    response = await client.post(f"/api/v1/tickets/{ticket_id}/transition", json={"status": "in_progress"},
                                 headers=desk.technician_headers)
    assert response.status_code == 404


async def test_guard_cannot_list_tickets(client, desk, factory):
    guard = await factory.user("guard", buildings=[desk.building])
    response = await client.get("/api/v1/tickets", headers={"Authorization": f"Bearer {await factory.token(guard)}"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


async def test_anonymous_gets_problem_401(client):
    response = await client.get("/api/v1/tickets")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_cookie_write_without_csrf_rejected(client, desk):
    from tests.factories import sign_in

    await sign_in(client, desk.dispatcher.login)
    assert (await client.get("/api/v1/tickets")).status_code == 200
    response = await client.post("/api/v1/tickets", json=new_ticket(desk))
    assert response.status_code == 401


async def test_list_paginates_with_cursor(client, desk):
    for index in range(5):
        await client.post("/api/v1/tickets", json=new_ticket(desk, description=f"Заявка {index}"),
                          headers=desk.dispatcher_headers)
    first = (await client.get("/api/v1/tickets", params={"limit": 2}, headers=desk.dispatcher_headers)).json()
    second = (await client.get("/api/v1/tickets", params={"limit": 2, "cursor": first["next_cursor"]},
                               headers=desk.dispatcher_headers)).json()
    third = (await client.get("/api/v1/tickets", params={"limit": 2, "cursor": second["next_cursor"]},
                              headers=desk.dispatcher_headers)).json()
    seen = [row["description"] for page in (first, second, third) for row in page["items"]]
    assert seen == [f"Заявка {index}" for index in range(4, -1, -1)]
    assert third["next_cursor"] is None


async def test_similar_open_tickets_listed(client, desk):
    await client.post("/api/v1/tickets", json=new_ticket(desk, description="Протечка в подвале"),
                      headers=desk.dispatcher_headers)
    response = await client.get("/api/v1/tickets/similar", params={"building": desk.building.id,
                                                                   "category": desk.categories["plumbing"]},
                                headers=desk.dispatcher_headers)
    assert [row["description"] for row in response.json()] == ["Протечка в подвале"]


async def test_contact_hidden_from_other_technician(client, desk, factory):
    ticket_id = (await client.post("/api/v1/tickets", json=new_ticket(desk, contact_phone="8 (912) 345-67-89"),
                                   headers=desk.dispatcher_headers)).json()["ticket"]["id"]
    as_dispatcher = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=desk.dispatcher_headers)).json()
    assert as_dispatcher["contact"]["contact_phone"] == "+79123456789"
    as_technician = (await client.get(f"/api/v1/tickets/{ticket_id}", headers=desk.technician_headers)).json()
    assert as_technician["contact"] is None


async def test_unknown_status_filter_rejected(client, desk):
    response = await client.get("/api/v1/tickets", params={"status": "zzz"}, headers=desk.dispatcher_headers)
    assert response.status_code == 400
    assert response.json()["code"] == "status_invalid"


async def test_key_reused_with_other_body(client, db, desk):
    headers = {**desk.dispatcher_headers, "Idempotency-Key": "reused"}
    first = await client.post("/api/v1/tickets", json=new_ticket(desk), headers=headers)
    second = await client.post("/api/v1/tickets", json=new_ticket(desk, description="Другая заявка"), headers=headers)
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_reused"
    assert await db.scalar(select(func.count(Ticket.id))) == 1

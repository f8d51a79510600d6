"""Ticket steps sent again with the same Idempotency-Key are applied once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from backend.db.base import utcnow
from tests.mobile.conftest import bearer
from tests.mobile.helpers import create_ticket, timeline_count


async def test_transition_repeat_applies_once(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    headers = {**bearer(site["technician_token"]), "Idempotency-Key": "k-start-1"}

    first = await app_client.post(f"/api/v1/tickets/{ticket['id']}/transition", json={"status": "in_progress"},
                                  headers=headers)
    second = await app_client.post(f"/api/v1/tickets/{ticket['id']}/transition", json={"status": "in_progress"},
                                   headers=headers)

    assert first.status_code == 200, first.text
    assert second.status_code == 200, second.text
    assert second.json()["ticket"]["status"] == "in_progress"
    assert await timeline_count(db, ticket["id"], "status_changed", "in_progress") == 1


async def test_concurrent_repeats_apply_once(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    await app_client.post(f"/api/v1/tickets/{ticket['id']}/transition", json={"status": "in_progress"},
                          headers=bearer(site["technician_token"]))
    headers = {**bearer(site["technician_token"]), "Idempotency-Key": "k-complete-1"}
    body = {"status": "completed", "report": "Заменил прокладку"}

    responses = await asyncio.gather(*(app_client.post(f"/api/v1/tickets/{ticket['id']}/transition", json=body,
                                                       headers=headers) for _ in range(3)))

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert await timeline_count(db, ticket["id"], "status_changed", "completed") == 1


async def test_transition_without_key_repeats_fail(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    url = f"/api/v1/tickets/{ticket['id']}/transition"
    headers = bearer(site["technician_token"])

    assert (await app_client.post(url, json={"status": "in_progress"}, headers=headers)).status_code == 200
    repeat = await app_client.post(url, json={"status": "in_progress"}, headers=headers)

    assert repeat.status_code == 400
    assert repeat.json()["code"] == "transition_not_allowed"


async def test_comment_repeat_adds_one(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    headers = {**bearer(site["technician_token"]), "Idempotency-Key": "k-comment-1"}
    body = {"text": "Нужна новая прокладка", "visible_to_client": True}

    first = await app_client.post(f"/api/v1/tickets/{ticket['id']}/comments", json=body, headers=headers)
    second = await app_client.post(f"/api/v1/tickets/{ticket['id']}/comments", json=body, headers=headers)

    assert first.status_code == 201, first.text
    assert second.status_code == 200, second.text
    assert await timeline_count(db, ticket["id"], "comment") == 1


async def test_key_reused_for_other_ticket(app_client, db, site):
    first = await create_ticket(app_client, site, db=db)
    second = await create_ticket(app_client, site, db=db)
    headers = {**bearer(site["technician_token"]), "Idempotency-Key": "k-shared"}

    assert (await app_client.post(f"/api/v1/tickets/{first['id']}/transition", json={"status": "in_progress"},
                                  headers=headers)).status_code == 200
    reused = await app_client.post(f"/api/v1/tickets/{second['id']}/transition", json={"status": "in_progress"},
                                   headers=headers)

    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert await timeline_count(db, second["id"], "status_changed") == 0


async def test_failed_step_keeps_key_free(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    url = f"/api/v1/tickets/{ticket['id']}/transition"
    headers = {**bearer(site["technician_token"]), "Idempotency-Key": "k-hold"}

    rejected = await app_client.post(url, json={"status": "on_hold"}, headers=headers)
    retried = await app_client.post(url, json={"status": "on_hold", "reason": "Нет доступа",
                                               "hold_until": (utcnow() + timedelta(days=30)).isoformat()}, headers=headers)

    assert rejected.status_code == 400
    assert rejected.json()["code"] == "reason_missing"
    assert retried.status_code == 200, retried.text
    assert retried.json()["ticket"]["status"] == "on_hold"


async def test_reassigned_ticket_rejects_technician(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    reassign = await app_client.post(f"/api/v1/tickets/{ticket['id']}/assign",
                                     json={"assignee_id": site["other_technician"].id},
                                     headers=bearer(site["dispatcher_token"]))
    assert reassign.status_code == 200, reassign.text

    late = await app_client.post(f"/api/v1/tickets/{ticket['id']}/transition", json={"status": "in_progress"},
                                 headers={**bearer(site["technician_token"]), "Idempotency-Key": "k-late"})

    assert late.status_code == 404
    assert late.json()["code"] == "ticket_not_found"


async def test_accept_records_once(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db)
    url = f"/api/v1/tickets/{ticket['id']}/accept"

    first = await app_client.post(url, headers={**bearer(site["technician_token"]), "Idempotency-Key": "a-1"})
    again = await app_client.post(url, headers={**bearer(site["technician_token"]), "Idempotency-Key": "a-2"})

    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text
    assert first.json()["ticket"]["status"] == "assigned"
    assert await timeline_count(db, ticket["id"], "accepted") == 1


async def test_accept_by_other_technician_rejected(app_client, db, site, factory):
    ticket = await create_ticket(app_client, site, db=db)
    other_token = await factory.token(site["other_technician"])

    response = await app_client.post(f"/api/v1/tickets/{ticket['id']}/accept", headers=bearer(other_token))

    assert response.status_code == 404
    assert await timeline_count(db, ticket["id"], "accepted") == 0

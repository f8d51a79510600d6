"""The JSON API of the request report: figures, scope, validation and on-demand runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from tests.factories import sign_in
from tests.reports.conftest import NOW


def period(history) -> dict[str, str]:
    return {"from": (history.start - timedelta(days=1)).date().isoformat(),
            "to": (NOW + timedelta(days=1)).date().isoformat()}


async def test_api_report_counts_tickets(client, db, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/api/v1/reports/tickets", params=period(history))

    [(expected,)] = (await db.execute(text("SELECT count(*) FROM tickets WHERE building_id = :own"),
                                      {"own": history.buildings[0].id})).all()
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"]["created"] == expected
    assert body["building_ids"] == [history.buildings[0].id]
    assert body["data_as_of"] is not None


async def test_api_rejects_building_outside_scope(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/api/v1/reports/tickets",
                                params={**period(history), "building": history.buildings[1].id})

    assert response.status_code == 404
    assert response.json()["code"] == "building_not_found"


async def test_api_rejects_reversed_period(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/api/v1/reports/tickets", params={"from": "2026-03-10", "to": "01.03.2026"})

    assert response.status_code == 400
    assert response.json()["code"] == "period_invalid"
    assert response.json()["field"] == "from"


async def test_api_refresh_requests_one_run(client, db, history):
    await sign_in(client, history.manager_user.login)
    csrf = {"x-csrftoken": client.cookies.get("csrftoken")}
    first = await client.post("/api/v1/reports/refresh", headers=csrf)
    second = await client.post("/api/v1/reports/refresh", headers=csrf)

    assert first.status_code == 202
    assert first.json()["requested"] is True
    assert second.json()["requested"] is False
    [(requested,)] = (await db.execute(text("SELECT count(*) FROM report_runs WHERE status = 'requested'"))).all()
    assert requested == 1


async def test_technician_cannot_read_reports(client, factory, history):
    technician = history.technicians[0]
    await sign_in(client, technician.login)
    response = await client.get("/api/v1/reports/tickets")

    assert response.status_code == 403

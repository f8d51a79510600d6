"""Arrivals and departures: idempotent marks, refusals, and the events they publish."""

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from backend.db.base import utcnow
from backend.domain.passes.models import PassVisit
from backend.domain.passes.visits import do_mark_arrival
from backend.domain.staff.actions import principal_of
from backend.realtime.models import OutboxEvent


async def order(client, site, **fields):
    body = {"premise_id": site.flat.id, "visitor_name": "Гостев Гость", **fields}
    response = await client.post("/api/v1/passes", json=body, headers=site.concierge_headers)
    assert response.status_code == 201, response.text
    return response.json()


async def mark(client, site, pass_id, action):
    return await client.post(f"/api/v1/passes/{pass_id}/{action}", params={"post": site.post.id},
                             headers=site.guard_headers)


async def visit_count(db, pass_id):
    return await db.scalar(select(func.count()).select_from(PassVisit).where(PassVisit.pass_id == pass_id))


async def test_double_tap_records_one_arrival(client, db, site):
    stored = await order(client, site)

    first = await mark(client, site, stored["id"], "arrival")
    second = await mark(client, site, stored["id"], "arrival")

    assert first.status_code == second.status_code == 200
    assert first.json()["repeated"] is False
    assert second.json()["repeated"] is True
    assert first.json()["visit"]["id"] == second.json()["visit"]["id"]
    assert first.json()["pass"]["status"] == "on_site"
    assert await visit_count(db, stored["id"]) == 1


async def test_simultaneous_arrivals_record_one(client, db, session_factory, site):
    stored = await order(client, site)
    guard = principal_of(site.guard)

    async def tap():
        async with session_factory() as session:
            result = await do_mark_arrival(session, guard, stored["id"], post_id=site.post.id)
            await session.commit()
            return result

    marks = await asyncio.gather(tap(), tap())

    assert sorted(result.created for result in marks) == [False, True]
    assert marks[0].visit.id == marks[1].visit.id
    assert await visit_count(db, stored["id"]) == 1


async def test_simultaneous_api_arrivals_record_one(client, db, site):
    stored = await order(client, site)

    responses = await asyncio.gather(*(mark(client, site, stored["id"], "arrival") for _ in range(3)))

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert len({response.json()["visit"]["id"] for response in responses}) == 1
    assert await visit_count(db, stored["id"]) == 1


async def test_departure_repeat_returns_same(client, site):
    stored = await order(client, site)
    await mark(client, site, stored["id"], "arrival")

    first = await mark(client, site, stored["id"], "departure")
    second = await mark(client, site, stored["id"], "departure")

    assert first.json()["repeated"] is False
    assert second.json()["repeated"] is True
    assert first.json()["visit"]["departed_at"] == second.json()["visit"]["departed_at"]
    assert first.json()["pass"]["status"] == "left"


async def test_departure_without_arrival_rejected(client, site):
    stored = await order(client, site)

    response = await mark(client, site, stored["id"], "departure")

    assert response.status_code == 409
    assert response.json()["code"] == "pass_not_on_site"


async def test_one_time_pass_used_up(client, site):
    stored = await order(client, site)
    await mark(client, site, stored["id"], "arrival")
    await mark(client, site, stored["id"], "departure")

    again = await mark(client, site, stored["id"], "arrival")

    assert again.status_code == 409
    assert again.json()["code"] == "pass_used"


async def test_permanent_pass_admits_again(client, db, site):
    stored = await order(client, site, kind="permanent")
    for _ in range(2):
        assert (await mark(client, site, stored["id"], "arrival")).json()["repeated"] is False
        assert (await mark(client, site, stored["id"], "departure")).json()["repeated"] is False

    assert await visit_count(db, stored["id"]) == 2


async def test_arrival_on_cancelled_pass_refused(client, site):
    stored = await order(client, site)
    await client.post(f"/api/v1/passes/{stored['id']}/cancel", headers=site.concierge_headers)

    response = await mark(client, site, stored["id"], "arrival")

    assert response.status_code == 409
    assert response.json()["code"] == "pass_cancelled"
    assert response.json()["title"] == "Пропуск отменён."


async def test_arrival_before_window_refused(client, site):
    stored = await order(client, site, valid_from=(utcnow() + timedelta(hours=3)).isoformat())

    response = await mark(client, site, stored["id"], "arrival")

    assert response.json()["code"] == "pass_not_yet_valid"


async def test_concierge_cannot_mark_other_scope(client, db, factory, site):
    stranger = await factory.user(role="guard", buildings=[await factory.building()])
    stored = await order(client, site)

    response = await client.post(f"/api/v1/passes/{stored['id']}/arrival",
                                 headers={"Authorization": f"Bearer {await factory.token(stranger)}"})

    assert response.status_code == 404


async def test_marks_publish_events_with_ids_only(client, db, site):
    stored = await order(client, site)
    await mark(client, site, stored["id"], "arrival")
    await mark(client, site, stored["id"], "arrival")
    await mark(client, site, stored["id"], "departure")
    await client.post(f"/api/v1/passes/{stored['id']}/cancel", headers=site.concierge_headers)

    events = (await db.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()

    assert [event.type for event in events] == ["pass.created", "pass.arrived", "pass.departed", "pass.cancelled"]
    assert {event.building_id for event in events} == {site.building.id}
    assert events[0].data == {"pass_id": stored["id"], "number": stored["number"], "status": "expected",
                              "entrance_id": stored["entrance_id"]}
    assert "Гостев" not in str([event.data for event in events])

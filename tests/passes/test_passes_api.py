"""The passes API end to end: ordering, listing, cancelling, the check, arrivals and departures."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backend.db.base import utcnow
from tests.passes.conftest import RESIDENT_PHONE, make_site, premise_by_label


def tomorrow_local(site) -> str:
    zone = ZoneInfo(site.building.time_zone)
    return (utcnow().astimezone(zone).date() + timedelta(days=1)).isoformat()


async def order(client, site, headers=None, key=None, **fields):
    body = {"premise_id": site.flat.id, "visitor_name": "Сидоров Сидор Сидорович", **fields}
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post("/api/v1/passes", json=body, headers={**(headers or site.concierge_headers), **extra})


async def test_create_pass_for_premise(client, site):
    response = await order(client, site, client_id=site.resident.id, document="паспорт 4510 123456")

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"] >= 1001
    assert body["status"] == "expected"
    assert body["kind"] == "one_time"
    assert body["premise_label"] == "кв. 15"
    assert body["host_name"] == "Петров П. П."
    assert body["source"] == "concierge"
    assert body["qr_payload"].startswith(f"{body['number']}-")
    assert body["document"] == "паспорт 4510 123456"


async def test_idempotency_key_returns_same_pass(client, site):
    first = await order(client, site, key="order-1")
    second = await order(client, site, key="order-1")
    other = await order(client, site, key="order-2")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert other.json()["id"] != first.json()["id"]


async def test_concurrent_idempotent_orders_create_one(client, site):
    responses = await asyncio.gather(order(client, site, key="same"), order(client, site, key="same"))

    assert sorted(response.status_code for response in responses) == [200, 201]
    assert len({response.json()["id"] for response in responses}) == 1


async def test_invalid_plate_letter_rejected(client, site):
    response = await order(client, site, plate="А123ДС77")

    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "plate_invalid_letter"
    assert problem["field"] == "plate"
    assert problem["value"] == "А123ДС77"
    assert "«Д»" in problem["title"]


async def test_latin_n_plate_rejected(client, site):
    response = await order(client, site, plate="N123HH77")

    assert response.json()["code"] == "plate_invalid_letter"


async def test_pass_without_subject_rejected(client, site):
    response = await order(client, site, visitor_name=" ")

    assert response.status_code == 400
    assert response.json()["code"] == "pass_subject_missing"


async def test_window_in_past_rejected(client, site):
    response = await order(client, site, valid_from="2020-01-01T10:00:00", valid_until="2020-01-01T12:00:00")

    assert response.json()["code"] == "pass_window_past"


async def test_one_day_pass_in_building_zone(client, db, factory):
    site = await make_site(db, factory, time_zone="Asia/Vladivostok")
    day = tomorrow_local(site)
    day_before = shift_day(day, -1)

    body = (await order(client, site, valid_on=day)).json()

    # 00:00 and 23:59:59 in Vladivostok (UTC+10).
    assert body["valid_from"] == f"{day_before}T14:00:00Z"
    assert body["valid_until"] == f"{day}T13:59:59Z"


async def test_overnight_order_in_local_time(client, site):
    day = tomorrow_local(site)

    body = (await order(client, site, valid_from=f"{day}T22:00:00", valid_until=f"{shift_day(day, 1)}T02:00:00")).json()

    # 22:00 and 02:00 in Moscow (UTC+3).
    assert body["valid_from"] == f"{day}T19:00:00Z"
    assert body["valid_until"] == f"{day}T23:00:00Z"


def shift_day(day: str, days: int) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=days)).date().isoformat()


async def test_premise_of_other_building_hidden(client, db, factory, site):
    other = await factory.building()
    foreign = await premise_by_label(db, other, "1")

    response = await order(client, site, premise_id=foreign.id)

    assert response.status_code == 404
    assert response.json()["code"] == "building_not_found"


async def test_client_not_of_premise_rejected(client, db, site):
    neighbour = await premise_by_label(db, site.building, "16")

    response = await order(client, site, premise_id=neighbour.id, client_id=site.resident.id)

    assert response.json()["code"] == "pass_host_not_related"


async def test_resident_client_alone_finds_premise(client, site):
    body = {"client_id": site.resident.id, "visitor_name": "Курьер", "source": "resident_app"}

    response = await client.post("/api/v1/passes", json=body, headers=site.concierge_headers)

    assert response.status_code == 201, response.text
    assert response.json()["premise_id"] == site.flat.id
    assert response.json()["source"] == "resident_app"


async def test_guard_cannot_order_passes(client, site):
    response = await order(client, site, headers=site.guard_headers)

    assert response.status_code == 403


async def test_list_filters_by_status(client, site):
    valid = (await order(client, site)).json()
    cancelled = (await order(client, site, visitor_name="Отменов")).json()
    await client.post(f"/api/v1/passes/{cancelled['id']}/cancel", json={"reason": "передумал"},
                      headers=site.concierge_headers)

    expected_list = await client.get("/api/v1/passes", params={"status": "expected"}, headers=site.concierge_headers)
    cancelled_list = await client.get("/api/v1/passes", params={"status": "cancelled"}, headers=site.concierge_headers)

    assert [item["id"] for item in expected_list.json()] == [valid["id"]]
    assert [item["id"] for item in cancelled_list.json()] == [cancelled["id"]]
    assert cancelled_list.json()[0]["cancel_reason"] == "передумал"


async def test_cancel_twice_changes_nothing(client, site):
    created = (await order(client, site)).json()
    url = f"/api/v1/passes/{created['id']}/cancel"

    first = await client.post(url, json={"reason": "первая"}, headers=site.concierge_headers)
    second = await client.post(url, json={"reason": "вторая"}, headers=site.concierge_headers)

    assert first.json()["status"] == second.json()["status"] == "cancelled"
    assert second.json()["cancel_reason"] == "первая"


async def test_guard_view_has_no_personal_data(client, site):
    created = (await order(client, site, client_id=site.resident.id, document="паспорт 4510 123456")).json()

    listed = (await client.get("/api/v1/passes", headers=site.guard_headers)).json()
    single = (await client.get(f"/api/v1/passes/{created['id']}", headers=site.guard_headers)).json()
    checked = (await client.get("/api/v1/passes/check", params={"q": "Сидоров", "post": site.post.id},
                                headers=site.guard_headers)).json()

    for view in (listed[0], single, checked["matches"][0]):
        assert view["premise_label"] == "кв. 15"
        assert view["host_name"] == "Петров П. П."
        assert view["document_hint"] == "…3456"
        for hidden in ("client_id", "document", "qr_payload", "created_by_id", "premise_id"):
            assert hidden not in view
        text = str(view)
        assert RESIDENT_PHONE not in text
        assert "123456" not in text


async def test_check_requires_post(client, site):
    response = await client.get("/api/v1/passes/check", params={"q": "1001"}, headers=site.guard_headers)

    assert response.json()["code"] == "check_post_missing"

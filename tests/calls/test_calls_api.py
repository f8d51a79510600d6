"""GET /api/v1/calls, a call's detail with the ticket pre-fill, the callback API and the /calls pages."""

from __future__ import annotations

from sqlalchemy import select

from backend.domain.buildings.models import Premise
from backend.domain.calls.actions import do_record_call
from backend.domain.calls.models import Callback
from backend.domain.staff.actions import principal_of
from backend.domain.tickets.actions import NewTicket, do_create_ticket
from tests.calls.records import call_record
from tests.factories import default_catalog, make_client, sign_in


async def record(db, *args, **kwargs):
    call, _ = await do_record_call(db, call_record(*args, **kwargs))
    await db.commit()
    return call


async def client_with_premise(db, factory):
    building = await factory.building(address="г. Москва, ул. Часовая, д. 19")
    premise = await db.scalar(select(Premise).where(Premise.building_id == building.id).order_by(Premise.id).limit(1))
    client = await make_client(db, phone="+7 912 345-67-89", premise_id=premise.id)
    return building, premise, client


async def test_call_list_has_issue_fields(client, db, factory) -> None:
    building, premise, person = await client_with_premise(db, factory)
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    call = await record(db, "inbound", "answered", caller="89123456789", queue="support")
    categories = await default_catalog(db)
    ticket, _ = await do_create_ticket(db, principal_of(dispatcher), NewTicket(
        building_id=building.id, premise_id=premise.id, category_id=categories["plumbing"], description="Течь",
        call_id=call.id))
    await db.commit()
    await sign_in(client, dispatcher.login)

    response = await client.get("/api/v1/calls")

    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    assert item["id"] == call.id
    assert (item["direction"], item["outcome"], item["queue"]) == ("inbound", "answered", "support")
    assert (item["caller_number"], item["caller_e164"]) == ("89123456789", "+79123456789")
    assert (item["called_number"], item["answered_extension"], item["answered_by_id"]) == ("+74950000000", "201",
                                                                                           dispatcher.id)
    assert item["rang_extensions"] == ["201"]
    assert item["duration_seconds"] == 60
    assert item["started_at"] and item["answered_at"] and item["ended_at"]
    assert "recording" in item
    assert item["client_ids"] == [person.id]
    assert item["ticket_ids"] == [ticket.id]


async def test_call_list_filters(client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    inbound = await record(db, "inbound", "missed", caller="+79123456789", minutes=0)
    outbound = await record(db, "outbound", "answered", caller="201", called="+79990000001", minutes=1)
    internal = await record(db, "internal", "answered", caller="201", called="202", answered_by="202",
                            rang=("202",), minutes=2)
    await sign_in(client, dispatcher.login)

    async def ids(**params) -> list[int]:
        response = await client.get("/api/v1/calls", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids() == [internal.id, outbound.id, inbound.id]
    assert await ids(direction="outbound") == [outbound.id]
    assert await ids(outcome="missed") == [inbound.id]
    assert await ids(number="8 (912) 345-67-89") == [inbound.id]
    assert await ids(number="202") == [internal.id]
    assert await ids(extension="202") == [internal.id]


async def test_call_list_pages_by_cursor(client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    calls = [await record(db, minutes=minute) for minute in range(5)]
    await sign_in(client, dispatcher.login)

    first = (await client.get("/api/v1/calls", params={"limit": 3})).json()
    second = (await client.get("/api/v1/calls", params={"limit": 3, "cursor": first["next_cursor"]})).json()

    assert [item["id"] for item in first["items"] + second["items"]] == [call.id for call in reversed(calls)]
    assert second["next_cursor"] is None


async def test_invalid_filter_names_field(client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await sign_in(client, dispatcher.login)

    response = await client.get("/api/v1/calls", params={"outcome": "lost"})

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("outcome_invalid", "outcome")


async def test_scoped_manager_sees_own_buildings_calls(client, db, factory) -> None:
    building, _, _ = await client_with_premise(db, factory)
    other = await factory.building()
    ours = await record(db, "inbound", "answered", caller="+79123456789")
    await record(db, "inbound", "answered", caller="+79990000002")
    manager = await factory.user("building_manager", buildings=[building])
    outsider = await factory.user("building_manager", buildings=[other])

    await sign_in(client, manager.login)
    seen = [item["id"] for item in (await client.get("/api/v1/calls")).json()["items"]]
    await sign_in(client, outsider.login)
    unseen = (await client.get(f"/api/v1/calls/{ours.id}")).status_code

    assert seen == [ours.id]
    assert unseen == 404


async def test_technician_sees_only_own_calls(client, db, factory) -> None:
    technician = await factory.user("technician", all_buildings=True, extension="301")
    own = await record(db, "internal", "answered", caller="201", called="301", answered_by="301", rang=("301",))
    await record(db, "inbound", "answered")
    await sign_in(client, technician.login)

    items = (await client.get("/api/v1/calls")).json()["items"]

    assert [(item["id"], item["client_ids"]) for item in items] == [(own.id, [])]


async def test_call_detail_prefills_ticket(client, db, factory) -> None:
    building, premise, person = await client_with_premise(db, factory)
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    call = await record(db, "inbound", "answered", caller="89123456789")
    await sign_in(client, dispatcher.login)

    response = await client.get(f"/api/v1/calls/{call.id}")

    assert response.status_code == 200, response.text
    prefill = response.json()["prefill"]
    assert prefill == {"call_id": call.id, "channel": "phone", "building_id": building.id, "premise_id": premise.id,
                       "premise_label": premise.label, "client_id": person.id,
                       "client_query": "Образцов И. П.", "contact_phone": "+7 (912) 345-67-89"}
    assert response.json()["caller_display"] == "+7 (912) 345-67-89"


async def test_unknown_caller_prefills_phone_only(client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    call = await record(db, "inbound", "missed", caller="+79990999999")
    await sign_in(client, dispatcher.login)

    prefill = (await client.get(f"/api/v1/calls/{call.id}")).json()["prefill"]

    assert (prefill["client_id"], prefill["building_id"], prefill["contact_phone"]) == (None, None,
                                                                                        "+7 (999) 099-99-99")


async def test_callback_api_lists_and_closes(client, db, factory) -> None:
    _, _, person = await client_with_premise(db, factory)
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await record(db, "inbound", "missed", caller="+79123456789")
    await sign_in(client, dispatcher.login)

    [line] = (await client.get("/api/v1/callbacks")).json()
    csrf = {"x-csrftoken": client.cookies.get("csrftoken")}
    closed = await client.post(f"/api/v1/callbacks/{line['id']}/close", json={"note": "Вопрос решён письмом"},
                               headers=csrf)
    again = await client.post(f"/api/v1/callbacks/{line['id']}/close", json={"note": "Ещё раз"}, headers=csrf)
    resolved = (await client.get("/api/v1/callbacks", params={"status": "resolved"})).json()

    assert (line["number"], line["missed_calls"], line["clients"]) == ("+7 (912) 345-67-89", 1,
                                                                       [{"id": person.id, "name": "Образцов И. П."}])
    assert closed.status_code == 200, closed.text
    assert again.status_code == 409
    assert [(item["status"], item["note"]) for item in resolved] == [("closed", "Вопрос решён письмом")]


async def test_call_log_page_lists_calls(client, db, factory) -> None:
    _, _, person = await client_with_premise(db, factory)
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await record(db, "inbound", "missed", caller="89123456789")
    await sign_in(client, dispatcher.login)

    page = await client.get("/calls")
    rows = await client.get("/calls/rows", params={"outcome": "answered"})

    assert page.status_code == 200
    assert "+7 (912) 345-67-89" in page.text
    assert f'href="/clients/{person.id}"' in page.text
    assert 'data-click-to-call data-number="+79123456789"' in page.text
    assert "+7 (912) 345-67-89" not in rows.text


async def test_callbacks_page_closes_with_form(client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await record(db, "inbound", "missed", caller="89123456789")
    await sign_in(client, dispatcher.login)
    page = await client.get("/calls/callbacks")
    callback_id = await db.scalar(select(Callback.id))

    response = await client.post(f"/calls/callbacks/{callback_id}/close", data={"note": "Ошиблись номером"},
                                 headers={"x-csrftoken": client.cookies.get("csrftoken")})

    assert "+7 (912) 345-67-89" in page.text
    assert response.status_code == 200, response.text
    assert "+7 (912) 345-67-89" not in response.text


async def test_guard_has_no_call_log(client, db, factory) -> None:
    guard = await factory.user("guard", all_buildings=True)
    await sign_in(client, guard.login)

    assert (await client.get("/calls", follow_redirects=False)).status_code in (401, 403)
    assert (await client.get("/api/v1/callbacks")).status_code == 403

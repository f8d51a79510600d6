"""Click-to-call: the API records a request, the worker sends one Originate, the user hears how it went."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from backend.app import create_app
from backend.domain.calls.models import Call, OriginateRequest
from backend.domain.calls.originate import OriginateTarget, do_request_originate
from backend.domain.staff.actions import principal_of
from backend.telephony.simulator import OriginatePlan
from tests.calls.conftest import TelephonyFactory, outbox_events
from tests.factories import make_client, sign_in
from tests.live import settings_with
from tests.telephony.conftest import capture, simulator

AMI = {"ami_host": "127.0.0.1", "ami_username": "domovoy", "ami_secret": "s3cret"}


@pytest.fixture
async def phone_client(db, database_url, settings):
    """An app client whose settings turn telephony on (no worker runs in it)."""
    app = create_app(settings_with(settings, **AMI), database_url)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def post_originate(client, body: dict):
    return await client.post("/api/v1/calls/originate", json=body,
                             headers={"x-csrftoken": client.cookies.get("csrftoken")})


async def requests(session_factory) -> list[OriginateRequest]:
    async with session_factory() as session:
        return list((await session.scalars(select(OriginateRequest).order_by(OriginateRequest.id))).all())


async def wait_finished(session_factory, count: int = 1) -> list[OriginateRequest]:
    """Wait for `count` finished requests: each writes one `call.originate_result` event first."""
    async with asyncio.timeout(10):
        while len(await outbox_events(session_factory, "call.originate_result")) < count:
            await asyncio.sleep(0.02)  # polls the database: the worker's writes signal nothing to the test
    return await requests(session_factory)


async def test_originate_api_records_pending_request(phone_client, db, factory, session_factory) -> None:
    person = await make_client(db, phone="+7 912 345-67-89")
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    await sign_in(phone_client, dispatcher.login)

    response = await post_originate(phone_client, {"client_id": person.id})

    assert response.status_code == 202, response.text
    assert (response.json()["status"], response.json()["number_e164"]) == ("pending", "+79123456789")
    [request] = await requests(session_factory)
    assert (request.user_id, request.extension, request.client_id) == (dispatcher.id, "201", person.id)


async def test_originate_needs_extension(phone_client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    await sign_in(phone_client, dispatcher.login)

    response = await post_originate(phone_client, {"number": "8 912 345-67-89"})

    assert response.status_code == 400
    assert response.json()["code"] == "originate_no_extension"


async def test_originate_rejects_bad_number(phone_client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    await sign_in(phone_client, dispatcher.login)

    response = await post_originate(phone_client, {"number": "12345"})

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["value"]) == ("phone_invalid", "12345")


async def test_originate_unavailable_without_telephony(client, db, factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    await sign_in(client, dispatcher.login)

    response = await post_originate(client, {"number": "+79123456789"})

    assert response.status_code == 503
    assert response.json()["code"] == "telephony_off"


async def test_worker_sends_originate_once(start_telephony: TelephonyFactory, db, factory,
                                           session_factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    sim = simulator()
    await start_telephony(sim, ami_originate_channel="SIP/{extension}", ami_originate_context="calls")

    await do_request_originate(db, principal_of(dispatcher), OriginateTarget(number="8 912 345-67-89"))
    await db.commit()
    [request] = await wait_finished(session_factory)

    assert (request.status, request.outcome) == ("finished", "answered")
    assert request.action_id is not None
    [action] = [action for action in sim.actions if action.get("action") == "Originate"]
    assert (action["channel"], action["exten"], action["context"]) == ("SIP/201", "+79123456789", "calls")
    [event] = await outbox_events(session_factory, "call.originate_result")
    assert event.user_id == dispatcher.id
    assert event.data == {"request_id": request.id, "stage": "originate", "outcome": "answered"}


async def test_originate_not_resent_after_reconnect(start_telephony: TelephonyFactory, db, factory,
                                                    session_factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    sim = simulator(originate_plan=OriginatePlan(respond_after=None))
    telephony = await start_telephony(sim)

    await do_request_originate(db, principal_of(dispatcher), OriginateTarget(number="+79123456789"))
    await db.commit()
    await sim.wait_actions("Originate")
    sim.drop_connections()
    [request] = await wait_finished(session_factory)
    await telephony.job.client.wait_ready(sessions=2)
    await telephony.settle()

    assert request.outcome == "unknown"
    assert sim.count_actions("Originate") == 1


async def test_busy_agent_phone_reported(start_telephony: TelephonyFactory, db, factory, session_factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    await start_telephony(simulator(originate_plan=OriginatePlan(response="Failure", reason=5)))

    await do_request_originate(db, principal_of(dispatcher), OriginateTarget(number="+79123456789"))
    await db.commit()
    [request] = await wait_finished(session_factory)

    assert request.outcome == "busy"


async def test_stale_request_expires_unsent(start_telephony: TelephonyFactory, db, factory,
                                            session_factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    request = await do_request_originate(db, principal_of(dispatcher), OriginateTarget(number="+79123456789"))
    await db.execute(update(OriginateRequest).values(created_at=request.created_at - timedelta(minutes=5)))
    await db.commit()
    sim = simulator()

    await start_telephony(sim)
    [expired] = await wait_finished(session_factory)

    assert expired.outcome == "expired"
    assert sim.count_actions("Originate") == 0


async def test_originated_call_reports_client_side(start_telephony: TelephonyFactory, db, factory,
                                                   session_factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="150010001")
    plan = OriginatePlan(script=capture("originate/ctd-account-world"), respond_after=52)
    telephony = await start_telephony(simulator(originate_plan=plan))

    await do_request_originate(db, principal_of(dispatcher), OriginateTarget(number="+79123456789"))
    await db.commit()
    await wait_finished(session_factory, count=2)
    await telephony.settle()

    [request] = await requests(session_factory)
    async with session_factory() as session:
        [call] = (await session.scalars(select(Call))).all()
    assert (call.originate_action_id, call.direction, call.outcome) == (request.action_id, "outbound", "answered")
    assert call.answered_by_id == dispatcher.id
    # The replay sends the whole call at once, so the two reports may arrive in either order.
    stages = {event.data["stage"] for event in await outbox_events(session_factory, "call.originate_result")}
    assert stages == {"originate", "call"}


async def test_bad_channel_template_fails_request(start_telephony: TelephonyFactory, db, factory,
                                                  session_factory) -> None:
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    sim = simulator()
    telephony = await start_telephony(sim, ami_originate_channel="SIP/{ext}")

    await do_request_originate(db, principal_of(dispatcher), OriginateTarget(number="+79123456789"))
    await db.commit()
    [request] = await wait_finished(session_factory)

    assert request.outcome == "failed"
    assert sim.count_actions("Originate") == 0
    assert telephony.job.active.is_set()

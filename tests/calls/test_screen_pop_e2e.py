"""In a real browser: a simulated incoming call pops the caller's card, and a ticket is created from it."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from backend.db.engine import create_engine, create_session_factory
from backend.domain.buildings.models import Premise
from backend.domain.calls.models import Call
from backend.domain.clients.card import list_name
from backend.domain.clients.models import Client, ClientPhone, ClientPremise
from backend.domain.tickets.models import Ticket
from backend.telephony.demo_calls import rename_call
from backend.telephony.job import AmiAccount, TelephonyJob
from backend.telephony.simulator import AmiSimulator
from tests.conftest import signed_in_page
from tests.live import settings_with
from tests.telephony.conftest import FAST, capture

pytestmark = [pytest.mark.asyncio, pytest.mark.e2e]

AGENT = "150010002"
"""The demo `dispatcher2`'s extension, which the queue capture rings first."""
RING_INDEX = 30
"""Index of the AgentCalled that rings AGENT in queue/queue_simple."""


@pytest.fixture
async def e2e_sessions(e2e_database_url):
    engine = create_engine(e2e_database_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def demo_caller(session_factory) -> tuple[Client, str, Premise]:
    """A demo client with a phone and a current flat."""
    async with session_factory() as session:
        client, e164, premise = (await session.execute(
            select(Client, ClientPhone.e164, Premise)
            .join(ClientPhone, ClientPhone.client_id == Client.id)
            .join(ClientPremise, ClientPremise.client_id == Client.id)
            .join(Premise, Premise.id == ClientPremise.premise_id)
            .where(ClientPremise.until.is_(None), Premise.kind == "flat", Client.kind == "person")
            .order_by(Client.id.desc()).limit(1))).one()
        return client, e164, premise


@pytest.fixture
async def telephony(e2e_sessions, e2e_database_url, settings):
    """Start the worker's telephony job on the demo database against `simulator`; stopped afterwards."""
    started: list[tuple[asyncio.Task[None], AmiSimulator, TelephonyJob]] = []

    async def start(simulator: AmiSimulator) -> TelephonyJob:
        await simulator.start()
        account = AmiAccount(host="127.0.0.1", port=simulator.port, username="domovoy", secret="domovoy")
        job = TelephonyJob(settings_with(settings, demo_calls=True), e2e_sessions, e2e_database_url, account,
                           timing=FAST)
        started.append((asyncio.create_task(job.run()), simulator, job))
        await asyncio.wait_for(job.active.wait(), 10)
        return job

    yield start
    for task, simulator, _ in started:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await simulator.stop()


async def test_incoming_call_pops_and_creates_ticket(browser, live_server, e2e_sessions, telephony) -> None:
    client, e164, premise = await demo_caller(e2e_sessions)
    page = await signed_in_page(browser, live_server, "dispatcher2")
    await page.goto(f"{live_server.base_url}/board")
    await page.wait_for_selector("#live-status[data-state=live]")
    await page.wait_for_selector("body[data-callpop=live]")

    events = rename_call(capture("queue/queue_simple"), prefix="e2e-pop-", caller="8" + e164[2:])
    simulator = AmiSimulator(events, username="domovoy", secret="domovoy", hold_at=RING_INDEX + 1)
    job = await telephony(simulator)

    pop = page.locator(".callpop", has_text=list_name(client))
    await pop.wait_for(timeout=10000)
    assert "+7 (999)" in await pop.locator(".callpop-number").text_content()
    assert f"кв. {premise.label}" in await pop.text_content()

    await pop.locator("footer .callpop-create").click()
    await page.wait_for_selector("#create-dialog[open]")
    assert await page.input_value("#create-form input[name=premise_label]") == premise.label
    assert await page.input_value("#create-form select[name=building_id]") == str(premise.building_id)
    await page.fill("#create-form textarea[name=description]", "Течёт кран на кухне, звонок из поп-апа")
    await page.click("#create-submit")
    await page.locator(".row", has_text="звонок из поп-апа").wait_for()

    simulator.release()
    await simulator.wait_replayed()
    await job.client.send_action({"Action": "Ping"})
    await job.desk.drain()
    async with e2e_sessions() as session:
        call = await session.scalar(select(Call).where(Call.linkedid.startswith("e2e-pop-")))
        ticket = await session.scalar(select(Ticket).where(Ticket.call_id == call.id))
    assert (ticket.client_id, ticket.premise_id, ticket.channel) == (client.id, premise.id, "phone")
    assert (call.outcome, call.answered_extension) == ("answered", AGENT)
    await page.context.close()


async def test_pop_on_other_page_opens_board(browser, live_server, e2e_sessions, telephony) -> None:
    client, e164, premise = await demo_caller(e2e_sessions)
    page = await signed_in_page(browser, live_server, "dispatcher2")
    await page.goto(f"{live_server.base_url}/buildings")
    await page.wait_for_selector("body[data-callpop=live]")

    events = rename_call(capture("queue/queue_simple"), prefix="e2e-away-", caller=e164)
    await telephony(AmiSimulator(events, username="domovoy", secret="domovoy", hold_at=RING_INDEX + 1))

    pop = page.locator(".callpop", has_text=list_name(client))
    await pop.wait_for(timeout=10000)
    await pop.locator("footer .callpop-create").click()
    await page.wait_for_url("**/board")
    await page.wait_for_selector("#create-dialog[open]")

    assert await page.input_value("#create-form input[name=premise_label]") == premise.label
    assert await page.input_value("#create-form input[name=client_id]") == str(client.id)
    # The pop follows to the new page, so the user can still read it while filling the form.
    assert await page.locator(".callpop", has_text=list_name(client)).count() == 1
    await page.context.close()

"""Caller ids find client cards by E.164; extensions and anonymous callers never do."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from backend.domain.buildings.models import Premise
from backend.domain.calls.actions import do_ring
from backend.domain.calls.matching import caller_e164, match_clients
from backend.domain.calls.models import Call, CallClient
from backend.domain.tickets.actions import NewTicket, do_create_ticket
from backend.domain.staff.actions import principal_of
from backend.telephony.records import Ringing
from tests.calls.conftest import outbox_events
from tests.factories import default_catalog, make_client

RING_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 2)


def ringing(caller: str | None, extension: str = "201", linkedid: str = "pbx-1700000000.1") -> Ringing:
    return Ringing(linkedid=linkedid, extension=extension, caller_number=caller, caller_name=None, queue=None,
                   at=RING_AT)


async def first_premise(db, building) -> Premise:
    return await db.scalar(select(Premise).where(Premise.building_id == building.id).order_by(Premise.id).limit(1))


@pytest.mark.parametrize("caller", ["8 (912) 345-67-89", "+7 912 345 67 89", "89123456789", "79123456789",
                                    "9123456789", "+7(912)345-67-89"])
async def test_russian_number_forms_match_client(db, caller: str) -> None:
    client = await make_client(db, phone="+7 912 345-67-89")

    assert await match_clients(db, caller_e164(caller)) == [client.id]


@pytest.mark.parametrize("caller", ["101", "201", "150010001", "anonymous", "Anonymous", "", None, "<unknown>",
                                    "s"])
async def test_extension_or_anonymous_never_matches(db, caller: str | None) -> None:
    await make_client(db, phone="+7 912 345-67-89")

    assert caller_e164(caller) is None
    assert await match_clients(db, caller_e164(caller)) == []


async def test_kazakh_number_is_not_russian(db) -> None:
    await make_client(db, phone="+7 912 345-67-89")

    assert caller_e164("+7 701 234 56 78") == "+77012345678"
    assert await match_clients(db, "+77012345678") == []


async def test_merged_card_is_not_matched(db) -> None:
    survivor = await make_client(db, phone="+7 912 345-67-89")
    merged = await make_client(db, last_name="Образцова", phone="+7 912 345-67-89")
    merged.merged_into_id = survivor.id
    await db.commit()

    assert await match_clients(db, "+79123456789") == [survivor.id]


async def test_ring_pops_client_premise_and_ticket(db, factory, session_factory) -> None:
    building = await factory.building(address="г. Москва, ул. Часовая, д. 19")
    premise = await first_premise(db, building)
    client = await make_client(db, last_name="Образцов", first_name="Иван", patronymic="Петрович",
                               phone="+7 912 345-67-89", premise_id=premise.id)
    dispatcher = await factory.user("dispatcher", all_buildings=True, extension="201")
    categories = await default_catalog(db)
    ticket, _ = await do_create_ticket(db, principal_of(dispatcher), NewTicket(
        building_id=building.id, premise_id=premise.id, category_id=categories["plumbing"], description="Течь"))
    await db.commit()

    pop = await do_ring(db, ringing("8 (912) 345-67-89"), TODAY)
    await db.commit()

    assert pop is not None
    assert pop.caller.display == "+7 (912) 345-67-89"
    [shown] = pop.clients
    assert (shown.id, shown.name) == (client.id, "Образцов И. П.")
    address = f"г. Москва, ул. Часовая, д. 19, кв. {premise.label}"
    assert [(p.id, p.address) for p in shown.premises] == [(premise.id, address)]
    assert [t.number for t in shown.open_tickets] == [ticket.number]
    [event] = await outbox_events(session_factory, "call.ringing")
    assert event.user_id == dispatcher.id
    assert event.data["call_id"] == pop.call_id
    assert event.data["clients"][0]["id"] == client.id
    assert (await db.scalars(select(CallClient.client_id))).all() == [client.id]


async def test_ring_from_extension_pops_nobody_known(db, factory, session_factory) -> None:
    await make_client(db, phone="+7 912 345-67-89")
    await factory.user("dispatcher", all_buildings=True, extension="202")

    pop = await do_ring(db, ringing("201", extension="202"), TODAY)
    await db.commit()

    assert pop is not None
    assert (pop.clients, pop.matched_clients, pop.caller.display) == ([], 0, "201")


async def test_ring_hides_premises_outside_scope(db, factory) -> None:
    near, far = await factory.building(), await factory.building()
    client = await make_client(db, phone="+7 912 345-67-89", premise_id=(await first_premise(db, far)).id)
    await factory.user("dispatcher", buildings=[near], extension="203")

    pop = await do_ring(db, ringing("+79123456789", extension="203"), TODAY)

    assert [(c.id, c.premises) for c in pop.clients] == [(client.id, [])]


async def test_technician_pop_hides_client_names(db, factory) -> None:
    await make_client(db, phone="+7 912 345-67-89")
    await factory.user("technician", all_buildings=True, extension="204")

    pop = await do_ring(db, ringing("+79123456789", extension="204"), TODAY)

    assert pop is not None
    assert (pop.clients, pop.matched_clients) == ([], 1)


async def test_ring_at_unmapped_extension_stores_call(db) -> None:
    pop = await do_ring(db, ringing("+79123456789", extension="299"), TODAY)
    await db.commit()

    assert pop is None
    call = await db.scalar(select(Call))
    assert (call.linkedid, call.rang_extensions, call.caller_e164) == ("pbx-1700000000.1", ["299"], "+79123456789")

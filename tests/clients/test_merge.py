"""Finding duplicate clients and merging them keeps every record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.domain.audit.models import AuditEntry
from backend.domain.buildings.models import Premise
from backend.domain.clients.actions import (ClientInput, do_add_email, do_add_note, do_add_phone, do_add_tag,
                                            do_create_client)
from backend.domain.clients.card import client_card
from backend.domain.clients.consents import do_record_consent
from backend.domain.clients.merge import do_merge_clients, find_duplicates
from backend.domain.clients.models import Client, ClientPhone, ClientPremise
from backend.domain.clients.relations import do_add_relation
from backend.domain.errors import DomainError
from backend.domain.staff.actions import principal_of
from backend.domain.tickets.models import ServiceCategory, Ticket, TimelineEntry
from tests.factories import make_client


async def add_ticket(db, building_id: int, client_id: int, premise_id: int | None = None) -> Ticket:
    category = await db.scalar(select(ServiceCategory).where(ServiceCategory.code == "test"))
    if category is None:
        category = ServiceCategory(code="test", name="Сантехника")
        db.add(category)
        await db.flush()
    ticket = Ticket(building_id=building_id, premise_id=premise_id, client_id=client_id, channel="phone",
                    category_id=category.id, priority="normal", description="Течёт кран")
    db.add(ticket)
    await db.flush()
    return ticket


@pytest.fixture
async def pair(db, factory):
    building = await factory.building(entrances=1, floors=3, flats_per_floor=2)
    flats = list(await db.scalars(select(Premise).where(Premise.building_id == building.id).order_by(Premise.id)))
    first = await make_client(db, last_name="Петров", first_name="Пётр", patronymic=None, phone="+79120000001",
                              premise_id=flats[0].id, share="1/2")
    second = await make_client(db, last_name="Петров", first_name="Петр", patronymic="Ильич", phone="+79120000001",
                               premise_id=flats[0].id, share="1/2")
    return {"building": building, "flats": flats, "first": first, "second": second}


async def test_find_duplicates_by_phone_and_name(db, factory, pair):
    dispatcher = principal_of(await factory.user("dispatcher", all_buildings=True))
    groups = await find_duplicates(db, dispatcher)
    assert [(group.reason, group.client_ids) for group in groups] == [
        ("phone", [pair["first"].id, pair["second"].id])]

    third = await make_client(db, last_name="Петров", first_name="Пётр", patronymic=None,
                              premise_id=pair["flats"][0].id, role="resident")
    groups = await find_duplicates(db, dispatcher)
    assert ("name_premise", [pair["first"].id, third.id]) in [(g.reason, g.client_ids) for g in groups]


async def test_merge_keeps_every_record(db, pair):
    first, second, flats = pair["first"], pair["second"], pair["flats"]
    await do_add_phone(db, None, second, "+79120000002", kind="home", note="вечером")
    await do_add_email(db, None, second, "petrov@example.ru")
    await do_add_note(db, None, second, "Просил звонить после 18:00")
    await do_add_tag(db, None, second, "VIP")
    await do_record_consent(db, None, second, purpose="advertising", channel="sms", granted=True,
                            given_on="01.02.2025", source="paper")
    await do_add_relation(db, None, second, flats[1].id, "resident")
    ticket = await add_ticket(db, pair["building"].id, second.id, flats[0].id)
    await db.commit()

    report = await do_merge_clients(db, None, first, second)
    await db.commit()

    assert second.merged_into_id == first.id
    assert first.patronymic == "Ильич"
    assert report.moved["client_phones"] == 1
    assert [row["e164"] for row in report.collapsed if row["table"] == "client_phones"] == ["+79120000001"]
    phones = list(await db.scalars(select(ClientPhone.e164).where(ClientPhone.client_id == first.id)
                                   .order_by(ClientPhone.e164)))
    assert phones == ["+79120000001", "+79120000002"]
    relations = (await db.execute(select(ClientPremise.premise_id, ClientPremise.role)
                                  .where(ClientPremise.client_id == first.id)
                                  .order_by(ClientPremise.premise_id))).all()
    assert relations == [(flats[0].id, "owner"), (flats[1].id, "resident")]
    assert await db.scalar(select(Ticket.client_id).where(Ticket.id == ticket.id)) == first.id
    assert await db.scalar(select(TimelineEntry.kind).where(TimelineEntry.ticket_id == ticket.id)) == "client_merged"

    card = await client_card(db, first)
    assert card.merged_from == [second.id]
    assert [line.value for line in card.emails] == ["petrov@example.ru"]
    assert [note.text for note in card.notes] == ["Просил звонить после 18:00"]
    assert card.tags == ["VIP"]
    assert [t.id for t in card.open_tickets] == [ticket.id]
    sms = [state for state in card.consents if state.channel == "sms"][0]
    assert sms.granted is True
    audit = await db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "client.merged"))
    assert audit == 1


async def test_merge_collapses_identical_relation(db, factory):
    building = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    flat = await db.scalar(select(Premise).where(Premise.building_id == building.id))
    first = await make_client(db, last_name="Сидоров", premise_id=flat.id, role="resident")
    second = await make_client(db, last_name="Сидоров", premise_id=flat.id, role="resident")

    report = await do_merge_clients(db, None, first, second)
    await db.commit()

    assert await db.scalar(select(func.count()).select_from(ClientPremise)
                           .where(ClientPremise.premise_id == flat.id)) == 1
    assert report.collapsed[0]["table"] == "client_premises"


async def test_merge_rejects_person_into_organisation(db):
    person = await do_create_client(db, None, ClientInput(last_name="Иванов"))
    company = await do_create_client(db, None, ClientInput(kind="organisation", organisation_name="Ромашка"))
    with pytest.raises(DomainError) as error:
        await do_merge_clients(db, None, company, person)
    assert error.value.code == "merge_kind_mismatch"


async def test_merged_card_is_read_only(db, pair):
    await do_merge_clients(db, None, pair["first"], pair["second"])
    with pytest.raises(DomainError) as error:
        await do_add_note(db, None, pair["second"], "ещё")
    assert error.value.code == "client_merged"
    assert (await db.get(Client, pair["second"].id)).merged_into_id == pair["first"].id

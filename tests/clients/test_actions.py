"""Client actions validate every field and keep the history of relations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.domain.audit.models import AuditEntry
from backend.domain.buildings.models import Premise
from backend.domain.clients.actions import (ClientInput, do_add_email, do_add_messenger, do_add_phone,
                                            do_create_client, do_update_client)
from backend.domain.clients.card import open_client_card
from backend.domain.clients.models import ClientPremise
from backend.domain.clients.consents import consent_states, do_record_consent
from backend.domain.clients.relations import do_add_relation, do_end_relation
from backend.domain.errors import DomainError
from backend.domain.staff.actions import principal_of
from tests.factories import make_client


async def first_flat(db, building) -> Premise:
    return await db.scalar(select(Premise).where(Premise.building_id == building.id).order_by(Premise.id))


@pytest.mark.parametrize(("data", "code", "field"), [
    (ClientInput(last_name="Иванов1"), "name_invalid", "last_name"),
    (ClientInput(), "name_missing", "last_name"),
    (ClientInput(last_name="Иванов", birth_date="31.02.1990"), "date_invalid", "birth_date"),
    (ClientInput(last_name="Иванов", birth_date="01.01.2999"), "birth_date_out_of_range", "birth_date"),
    (ClientInput(kind="organisation"), "organisation_name_missing", "organisation_name"),
    (ClientInput(kind="organisation", organisation_name="Ромашка", inn="7707083894"), "inn_invalid_checksum", "inn"),
    (ClientInput(kind="organisation", organisation_name="Иванов", legal_form="ИП", kpp="770701001"),
     "kpp_not_applicable", "kpp"),
    (ClientInput(kind="organisation", organisation_name="Ромашка", ogrn="1027700132196"),
     "ogrn_invalid_checksum", "ogrn"),
    (ClientInput(kind="robot", last_name="Иванов"), "choice_invalid", "kind"),
])
async def test_create_client_rejects_invalid_field(db, data, code, field):
    with pytest.raises(DomainError) as error:
        await do_create_client(db, None, data)
    assert error.value.code == code
    assert error.value.field == field


async def test_create_organisation_with_identifiers(db):
    data = ClientInput(kind="organisation", organisation_name=" Ромашка ", legal_form="ООО", inn="7707 083893",
                       kpp="770701001", ogrn="1027700132195")
    client = await do_create_client(db, None, data)
    assert (client.inn, client.kpp, client.ogrn) == ("7707083893", "770701001", "1027700132195")
    assert client.display_name == "ООО Ромашка"
    with pytest.raises(DomainError) as error:
        await do_create_client(db, None, data)
    assert error.value.code == "inn_taken"


async def test_update_client_reports_changed_fields(db):
    client = await do_create_client(db, None, ClientInput(last_name="Иванов", first_name="Иван"))
    changed = await do_update_client(db, None, client, ClientInput(last_name="Иванов", first_name="Пётр",
                                                                         birth_date="04.12.1980"))
    assert changed == ["first_name", "birth_date"]
    assert client.birth_date.isoformat() == "1980-12-04"


async def test_contacts_are_normalised_and_unique(db):
    client = await do_create_client(db, None, ClientInput(last_name="Иванов"), phone="8 912 345-67-89")
    with pytest.raises(DomainError) as error:
        await do_add_phone(db, None, client, "+7 (912) 345-67-89")
    assert error.value.code == "phone_duplicate"
    with pytest.raises(DomainError) as error:
        await do_add_phone(db, None, client, "12345")
    assert error.value.code == "phone_invalid"
    assert (await do_add_email(db, None, client, "Ivan@Example.RU")).email == "Ivan@example.ru"
    with pytest.raises(DomainError) as error:
        await do_add_email(db, None, client, "ivan@example")
    assert error.value.code == "email_invalid"
    assert (await do_add_messenger(db, None, client, "telegram", "https://t.me/ivanov_45")).handle == "@ivanov_45"
    assert (await do_add_messenger(db, None, client, "whatsapp", "89123456789")).handle == "+79123456789"


async def test_owner_shares_never_exceed_one(db, factory):
    flat = await first_flat(db, await factory.building(entrances=1, floors=1, flats_per_floor=1))
    await make_client(db, last_name="Первый", premise_id=flat.id, share="1/2")
    await make_client(db, last_name="Второй", premise_id=flat.id, share="142/584")
    third = await make_client(db, last_name="Третий")
    with pytest.raises(DomainError) as error:
        await do_add_relation(db, None, third, flat.id, "owner", share="1/2")
    assert error.value.code == "share_exceeds_premise"
    assert error.value.params["free"] == "75/292"
    with pytest.raises(DomainError) as error:
        await do_add_relation(db, None, third, flat.id, "owner", share="3/2")
    assert error.value.code == "share_out_of_range"
    await do_add_relation(db, None, third, flat.id, "owner", share="75/292")


async def test_ended_owner_frees_share(db, factory):
    flat = await first_flat(db, await factory.building(entrances=1, floors=1, flats_per_floor=1))
    seller = await make_client(db, last_name="Продавцов", premise_id=flat.id)
    buyer = await make_client(db, last_name="Покупателев")
    relation_id = await db.scalar(select(ClientPremise.id).where(ClientPremise.client_id == seller.id))
    with pytest.raises(DomainError) as error:
        await do_add_relation(db, None, buyer, flat.id, "owner", since="01.06.2024")
    assert error.value.code == "share_exceeds_premise"

    await do_end_relation(db, None, seller, relation_id, "31.05.2024")
    await do_add_relation(db, None, buyer, flat.id, "owner", since="01.06.2024")
    history = (await db.execute(select(ClientPremise.client_id, ClientPremise.until)
                                .where(ClientPremise.premise_id == flat.id).order_by(ClientPremise.id))).all()
    assert [(client_id, str(until)) for client_id, until in history] == [(seller.id, "2024-05-31"), (buyer.id, "None")]
    with pytest.raises(DomainError) as error:
        await do_add_relation(db, None, buyer, flat.id, "tenant")
    assert error.value.code == "lease_start_missing"


async def test_consent_latest_row_wins(db):
    client = await do_create_client(db, None, ClientInput(last_name="Иванов"))
    await do_record_consent(db, None, client, purpose="advertising", channel="email", granted=True,
                            given_on="01.01.2025", source="paper", document="заявление")
    await do_record_consent(db, None, client, purpose="advertising", channel="email", granted=False,
                            given_on="01.03.2025", source="email")
    states = {(s.purpose, s.channel): s for s in await consent_states(db, [client.id])}
    assert states[("advertising", "email")].granted is False
    assert states[("personal_data", None)].granted is False
    with pytest.raises(DomainError) as error:
        await do_record_consent(db, None, client, purpose="advertising", channel=None, granted=True,
                                given_on=None, source="paper")
    assert error.value.field == "channel"


async def test_card_opening_is_audited(db, factory):
    building = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    client = await make_client(db, last_name="Иванов", premise_id=(await first_flat(db, building)).id)
    dispatcher = await factory.user("dispatcher", buildings=[building])
    card = await open_client_card(db, principal_of(dispatcher), client.id)
    await db.commit()
    assert card.identity.display_name == "Иванов Иван Петрович"
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "client.card_viewed"))
    assert (entry.actor_id, entry.object_id) == (dispatcher.id, str(client.id))


async def test_card_hidden_outside_scope_and_role(db, factory):
    building = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    elsewhere = await factory.building(entrances=1, floors=1, flats_per_floor=1)
    client = await make_client(db, last_name="Иванов", premise_id=(await first_flat(db, building)).id)
    for user in (await factory.user("dispatcher", buildings=[elsewhere]),
                 await factory.user("technician", buildings=[building]),
                 await factory.user("guard", buildings=[building])):
        with pytest.raises(DomainError) as error:
            await open_client_card(db, principal_of(user), client.id)
        assert error.value.status_code in (403, 404), user.role

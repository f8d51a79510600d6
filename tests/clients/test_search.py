"""The search box finds clients and premises from every form a dispatcher types."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.domain.buildings.models import Premise
from backend.domain.clients.actions import do_add_email
from backend.domain.clients.search import Rank, search
from backend.domain.staff.actions import principal_of
from tests.factories import make_client


async def premise_by_label(db, building, label: str) -> Premise:
    return await db.scalar(select(Premise).where(Premise.building_id == building.id, Premise.label == label))


@pytest.fixture
async def town(db, factory):
    """A building on Часовая with clients of several kinds, and a dispatcher who sees everything."""
    building = await factory.building(address="г. Москва, ул. Часовая, д. 19, к. 3", entrances=2, floors=5)
    other = await factory.building(address="г. Москва, ул. Ягодная, д. 4")
    flat45 = await premise_by_label(db, building, "20")
    ivanov = await make_client(db, last_name="Иванов", first_name="Пётр", patronymic="Сергеевич",
                               phone="+7 912 345-67-89", premise_id=flat45.id)
    ivanova = await make_client(db, last_name="Иванова", first_name="Алёна", patronymic="Игоревна",
                                phone="8 (903) 111-22-33", premise_id=(await premise_by_label(db, other, "3")).id)
    company = await make_client(db, organisation_name="Ромашка", legal_form="ООО", inn="7707083893")
    await do_add_email(db, None, ivanova, "Alena.Ivanova@Example.ru")
    await db.commit()
    dispatcher = await factory.user("dispatcher", all_buildings=True)
    return {"building": building, "other": other, "ivanov": ivanov, "ivanova": ivanova, "company": company,
            "dispatcher": principal_of(dispatcher), "flat": flat45}


def ids(hits, kind="client"):
    return [hit.id for hit in hits if hit.kind == kind]


async def test_search_by_last_phone_digits(db, town):
    hits = await search(db, town["dispatcher"], "6789")
    assert ids(hits) == [town["ivanov"].id]
    assert hits[0].matched == "phone_suffix"


async def test_search_by_full_phone_any_form(db, town):
    for typed in ("89123456789", "+7 (912) 345-67-89", "912 345 67 89"):
        hits = await search(db, town["dispatcher"], typed)
        assert ids(hits) == [town["ivanov"].id], typed
        assert hits[0].rank == Rank.EXACT


async def test_search_by_surname_prefix_ranks_exact(db, town):
    hits = await search(db, town["dispatcher"], "иван")
    assert ids(hits) == [town["ivanov"].id, town["ivanova"].id]
    hits = await search(db, town["dispatcher"], "ИВАНОВА")
    assert ids(hits) == [town["ivanova"].id]


async def test_search_by_full_name_with_yo(db, town):
    hits = await search(db, town["dispatcher"], "иванова алена игоревна")
    assert ids(hits) == [town["ivanova"].id]
    assert hits[0].rank == Rank.FULL_NAME


async def test_search_by_initials_and_reversed_order(db, town):
    assert ids(await search(db, town["dispatcher"], "Иванов П.С.")) == [town["ivanov"].id]
    assert ids(await search(db, town["dispatcher"], "Пётр Иванов")) == [town["ivanov"].id]


async def test_search_by_organisation_name_and_inn(db, town):
    assert ids(await search(db, town["dispatcher"], "ООО «Ромашка»")) == [town["company"].id]
    assert ids(await search(db, town["dispatcher"], "рома")) == [town["company"].id]
    hits = await search(db, town["dispatcher"], "7707083893")
    assert ids(hits) == [town["company"].id]
    assert hits[0].matched == "inn"


async def test_search_by_email_any_case(db, town):
    assert ids(await search(db, town["dispatcher"], "alena.ivanova@example.ru")) == [town["ivanova"].id]
    assert ids(await search(db, town["dispatcher"], "ALENA.iv@")) == []
    assert ids(await search(db, town["dispatcher"], "alena.ivanova@")) == [town["ivanova"].id]


async def test_search_by_address_with_flat(db, town):
    for typed in ("Часовая 19 кв 20", "ул. Часовая, д. 19, к. 3, кв. 20", "часовая 19к3 20"):
        hits = await search(db, town["dispatcher"], typed)
        assert ids(hits, "premise") == [town["flat"].id], typed
        assert hits[0].title.endswith("кв. 20") or hits[0].title.endswith("flat 20")


async def test_search_by_street_lists_buildings(db, town):
    hits = await search(db, town["dispatcher"], "часовая")
    assert ids(hits, "building") == [town["building"].id]


async def test_search_limited_to_user_buildings(db, factory, town):
    manager = principal_of(await factory.user("building_manager", buildings=[town["building"]]))
    assert ids(await search(db, manager, "иван")) == [town["ivanov"].id]
    assert ids(await search(db, manager, "ягодная 4 кв 3", ), "premise") == []
    assert ids(await search(db, manager, "ромашка")) == [town["company"].id]  # related to no building


async def test_search_hides_clients_from_guards(db, factory, town):
    guard = principal_of(await factory.user("guard", buildings=[town["building"]]))
    assert ids(await search(db, guard, "иванов")) == []
    assert ids(await search(db, guard, "часовая 19 кв 20"), "premise") == [town["flat"].id]

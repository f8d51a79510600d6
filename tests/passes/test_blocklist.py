"""The blocklist: names match after folding (case, ё/е, initials), plates after normalization."""

import pytest

from backend.domain.errors import DomainError
from backend.domain.guard.blocklist import do_add_blocklist_entry, do_remove_blocklist_entry
from backend.domain.staff.actions import principal_of


async def order(client, site, **fields):
    body = {"premise_id": site.flat.id, **fields}
    response = await client.post("/api/v1/passes", json=body, headers=site.concierge_headers)
    assert response.status_code == 201, response.text
    return response.json()


async def check(client, site, q):
    response = await client.get("/api/v1/passes/check", params={"q": q, "post": site.post.id},
                                headers=site.guard_headers)
    return response.json()


async def block(db, factory, site, building_id="site", **fields):
    manager = await factory.user(role="building_manager", buildings=[site.building])
    entry = await do_add_blocklist_entry(db, principal_of(manager),
                                         building_id=site.building.id if building_id == "site" else building_id,
                                         reason=fields.pop("reason", "Нарушал порядок"), **fields)
    await db.commit()
    return entry


@pytest.mark.parametrize("visitor", [
    "Ёжиков Семён Петрович", "ежиков семен петрович", "ЕЖИКОВ С. П.", "Ежиков С.П.", "Ежиков Семен",
])
async def test_blocklisted_name_variants_refused(client, db, factory, site, visitor):
    await block(db, factory, site, full_name="Ежиков Семён Петрович", plate=None)
    await order(client, site, visitor_name=visitor)

    match = (await check(client, site, "ежиков"))["matches"][0]

    assert match["allowed"] is False
    assert match["reason"] == "blocklisted"
    assert match["blocklist_reason"] == "Нарушал порядок"


@pytest.mark.parametrize("visitor", ["Ежиков Иван Петрович", "Ежиков И. П.", "Ежиков"])
async def test_other_person_same_surname_allowed(client, db, factory, site, visitor):
    await block(db, factory, site, full_name="Ежиков Семён Петрович", plate=None)
    await order(client, site, visitor_name=visitor)

    match = (await check(client, site, "ежиков"))["matches"][0]

    assert match["allowed"] is True


async def test_blocklisted_plate_in_latin(client, db, factory, site):
    await block(db, factory, site, full_name=None, plate="a001aa77")
    await order(client, site, plate="А001АА77", visitor_name="Водитель")

    result = await check(client, site, "A 001 AA 77")

    assert result["matches"][0]["reason"] == "blocklisted"
    assert [hit["plate"] for hit in result["blocklist"]] == ["А001АА77"]


async def test_blocklist_hit_without_pass(client, db, factory, site):
    await block(db, factory, site, full_name="Ежиков Семён Петрович", plate=None, reason="Кража")

    result = await check(client, site, "Ежиков С. П.")

    assert result["matches"] == []
    assert result["blocklist"][0]["reason"] == "Кража"
    assert result["blocklist"][0]["everywhere"] is False


async def test_company_wide_entry_applies_everywhere(client, db, factory, site):
    admin = await factory.user(role="admin", all_buildings=True)
    await do_add_blocklist_entry(db, principal_of(admin), building_id=None, full_name="Бандитов Борис",
                                 plate=None, reason="По решению УК")
    await db.commit()
    await order(client, site, visitor_name="Бандитов Борис Борисович")

    match = (await check(client, site, "Бандитов"))["matches"][0]

    assert match["reason"] == "blocklisted"


async def test_other_building_entry_ignored(client, db, factory, site):
    other = await factory.building()
    manager = await factory.user(role="building_manager", buildings=[other])
    await do_add_blocklist_entry(db, principal_of(manager), building_id=other.id, full_name="Ежиков Семён",
                                 plate=None, reason="Только там")
    await db.commit()
    await order(client, site, visitor_name="Ежиков Семён")

    match = (await check(client, site, "Ежиков"))["matches"][0]

    assert match["allowed"] is True


async def test_removed_entry_no_longer_blocks(client, db, factory, site):
    entry = await block(db, factory, site, full_name="Ежиков Семён", plate=None)
    manager = await factory.user(role="building_manager", buildings=[site.building])
    await do_remove_blocklist_entry(db, principal_of(manager), entry.id)
    await db.commit()
    await order(client, site, visitor_name="Ежиков Семён")

    match = (await check(client, site, "Ежиков"))["matches"][0]

    assert match["allowed"] is True


async def test_blocklisted_arrival_refused(client, db, factory, site):
    await block(db, factory, site, full_name="Ежиков Семён", plate=None)
    stored = await order(client, site, visitor_name="ежиков с.")

    response = await client.post(f"/api/v1/passes/{stored['id']}/arrival", headers=site.guard_headers)

    assert response.status_code == 409
    assert response.json()["code"] == "pass_blocklisted"


async def test_entry_needs_reason(db, factory, site):
    with pytest.raises(DomainError) as raised:
        await block(db, factory, site, full_name="Ежиков", plate=None, reason="  ")

    assert raised.value.code == "blocklist_reason_missing"


async def test_guard_cannot_edit_blocklist(db, site):
    with pytest.raises(DomainError) as raised:
        await do_add_blocklist_entry(db, principal_of(site.guard), building_id=site.building.id,
                                     full_name="Ежиков", plate=None, reason="—")

    assert raised.value.code == "permission_denied"


async def test_building_manager_cannot_block_everywhere(db, factory, site):
    with pytest.raises(DomainError) as raised:
        await block(db, factory, site, building_id=None, full_name="Ежиков", plate=None)

    assert raised.value.code == "blocklist_scope_invalid"

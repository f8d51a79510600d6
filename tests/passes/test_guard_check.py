"""The guard's check through the API: plates, names, numbers, QR codes, and the verdict for each."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.db.base import utcnow
from backend.domain.buildings.models import Entrance
from backend.domain.guard.posts import do_update_post
from backend.domain.staff.actions import principal_of
from tests.domain.test_plates import FOLDING
from tests.passes.conftest import make_site, premise_by_label


async def order(client, site, **fields):
    body = {"premise_id": site.flat.id, **fields}
    response = await client.post("/api/v1/passes", json=body, headers=site.concierge_headers)
    assert response.status_code == 201, response.text
    return response.json()


async def check(client, site, q):
    response = await client.get("/api/v1/passes/check", params={"q": q, "post": site.post.id},
                                headers=site.guard_headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("latin", "cyrillic"), FOLDING)
async def test_plate_folding_through_check(client, site, latin, cyrillic):
    stored = await order(client, site, plate=f"{latin}777{latin}{latin}99")

    typed_latin = await check(client, site, f"{latin.lower()} 777 {latin}{latin.lower()} 99")
    typed_cyrillic = await check(client, site, f"{cyrillic}777{cyrillic}{cyrillic}99")

    assert stored["plate"] == f"{cyrillic}777{cyrillic}{cyrillic}99"
    assert [match["id"] for match in typed_latin["matches"]] == [stored["id"]]
    assert [match["id"] for match in typed_cyrillic["matches"]] == [stored["id"]]
    assert typed_latin["query_kind"] == "plate"


async def test_latin_n_finds_nothing(client, site):
    await order(client, site, plate="Н123НН77")

    result = await check(client, site, "N123HH77")

    assert result["matches"] == []
    assert result["query_kind"] != "plate"


async def test_partial_plate_and_digits_match(client, site):
    stored = await order(client, site, plate="А123ВС77", vehicle_make="Kia Rio")

    by_prefix = await check(client, site, "a123")
    by_digits = await check(client, site, "123")

    assert [match["id"] for match in by_prefix["matches"]] == [stored["id"]]
    assert [match["id"] for match in by_digits["matches"]] == [stored["id"]]
    assert by_digits["matches"][0]["vehicle_make"] == "Kia Rio"


async def test_name_search_folds_case_and_yo(client, site):
    stored = await order(client, site, visitor_name="Фёдоров Пётр Алексеевич")

    for typed in ("федоров", "ФЁДОРОВ П", "Федоров П. А.", "П. А. Фёдоров", "Atljhjd"):
        result = await check(client, site, typed)
        assert [match["id"] for match in result["matches"]] == [stored["id"]], typed


async def test_name_search_rejects_other_initial(client, site):
    await order(client, site, visitor_name="Фёдоров Пётр Алексеевич")

    result = await check(client, site, "Федоров И")

    assert result["matches"] == []


async def test_pass_number_and_qr_match(client, site):
    stored = await order(client, site, visitor_name="Гостев")

    by_number = await check(client, site, str(stored["number"]))
    by_qr = await check(client, site, stored["qr_payload"])
    forged = await check(client, site, f"{stored['number']}-000000000000")

    assert [match["id"] for match in by_number["matches"]] == [stored["id"]]
    assert [match["id"] for match in by_qr["matches"]] == [stored["id"]]
    assert by_qr["query_kind"] == "qr"
    assert forged["matches"] == []


async def test_valid_pass_allowed_with_reason(client, site):
    await order(client, site, visitor_name="Гостев")

    match = (await check(client, site, "Гостев"))["matches"][0]

    assert match["allowed"] is True
    assert match["reason"] == "valid"
    assert match["message"] == "Проход разрешён."


async def test_future_pass_not_yet_valid(client, site):
    start = (utcnow() + timedelta(days=2)).isoformat()
    await order(client, site, visitor_name="Раннев", valid_from=start)

    match = (await check(client, site, "Раннев"))["matches"][0]

    assert match["allowed"] is False
    assert match["reason"] == "not_yet_valid"


async def test_cancelled_pass_refused(client, site):
    stored = await order(client, site, visitor_name="Отменов")
    await client.post(f"/api/v1/passes/{stored['id']}/cancel", headers=site.concierge_headers)

    match = (await check(client, site, "Отменов"))["matches"][0]

    assert match["allowed"] is False
    assert match["reason"] == "cancelled"
    assert match["status"] == "cancelled"


async def test_other_building_pass_not_found(client, db, factory, site):
    other = await make_site(db, factory)
    await order(client, other, visitor_name="Чужов")

    result = await check(client, site, "Чужов")

    assert result["matches"] == []


async def test_post_of_other_building_hidden(client, db, factory, site):
    other = await make_site(db, factory)

    response = await client.get("/api/v1/passes/check", params={"q": "1001", "post": other.post.id},
                                headers=site.guard_headers)

    assert response.status_code == 404
    assert response.json()["code"] == "post_not_found"


async def test_post_of_other_entrance_refuses(client, db, factory, site):
    second_entrance = await db.scalar(select(Entrance.id).where(Entrance.building_id == site.building.id,
                                                                Entrance.number == 2))
    manager = await factory.user(role="building_manager", buildings=[site.building])
    await do_update_post(db, principal_of(manager), site.post.id, name="КПП-2", entrance_ids=[second_entrance],
                         is_active=True)
    await db.commit()
    flat_in_first = await premise_by_label(db, site.building, "5")
    flat_in_second = await premise_by_label(db, site.building, "25")
    await order(client, site, premise_id=flat_in_first.id, visitor_name="Первов")
    await order(client, site, premise_id=flat_in_second.id, visitor_name="Второв")

    first = (await check(client, site, "Первов"))["matches"][0]
    second = (await check(client, site, "Второв"))["matches"][0]

    assert first["reason"] == "other_post"
    assert first["allowed"] is False
    assert second["reason"] == "valid"

"""The pass pages, the guard kiosk and the security pages, through the real forms."""

from sqlalchemy import func, select

from backend.domain.passes.models import Pass
from tests.factories import sign_in
from tests.passes.conftest import RESIDENT_PHONE


def csrf(client) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get("csrftoken")}


async def form_post(client, url, data):
    return await client.post(url, data={**data, "_csrf_token": client.cookies.get("csrftoken")},
                             follow_redirects=False)


async def order_by_form(client, site, **fields):
    data = {"building_id": str(site.building.id), "premise_label": "15", "host": f"{site.flat.id}:{site.resident.id}",
            "visitor_name": "Гостев Гость Гостевич", "kind": "one_time", "date": "", "idempotency_key": "form-1",
            **fields}
    return await form_post(client, "/passes/new", data)


async def test_concierge_orders_pass_by_form(client, db, site):
    await sign_in(client, site.concierge.login)
    await client.get("/passes/new")

    response = await order_by_form(client, site, plate="a123bc77")
    detail = await client.get(response.headers["location"])
    qr = await client.get(response.headers["location"] + "/qr.svg")

    assert response.status_code in (302, 303), response.text
    assert "кв. 15 · Петров П. П." in detail.text
    assert "А123ВС77" in detail.text
    assert qr.headers["content-type"].startswith("image/svg+xml")


async def test_form_double_submit_orders_once(client, db, site):
    await sign_in(client, site.concierge.login)
    await client.get("/passes/new")

    await order_by_form(client, site)
    await order_by_form(client, site)

    assert await db.scalar(select(func.count()).select_from(Pass)) == 1


async def test_form_error_keeps_input(client, site):
    await sign_in(client, site.concierge.login)
    await client.get("/passes/new")

    response = await order_by_form(client, site, plate="А123ДС77", visitor_name="Сохранов")

    assert response.status_code == 400
    assert "«Д»" in response.text
    assert "Сохранов" in response.text


async def test_host_choices_list_residents(client, site):
    await sign_in(client, site.concierge.login)

    response = await client.get("/passes/hosts", params={"building_id": site.building.id, "premise_label": "15"})

    assert "Петров Пётр Петрович" in response.text
    assert f'value="{site.flat.id}:{site.resident.id}"' in response.text


async def test_overnight_form_order_ends_next_day(client, db, site):
    await sign_in(client, site.concierge.login)
    await client.get("/passes/new")

    await order_by_form(client, site, date="2030-01-10", time_from="22:00", time_until="02:00")
    item = await db.scalar(select(Pass))

    assert item.valid_from.isoformat() == "2030-01-10T19:00:00+00:00"
    assert item.valid_until.isoformat() == "2030-01-10T23:00:00+00:00"


async def test_guard_opens_shift_then_checks(client, site):
    await sign_in(client, site.guard.login)
    start = await client.get("/guard/")
    opened = await form_post(client, "/guard/shift/open", {"post": str(site.post.id), "note": "Принял"})
    kiosk = await client.get("/guard/")

    assert "КПП-1" in start.text
    assert opened.status_code in (302, 303)
    assert 'id="search"' in kiosk.text
    assert "/static/live.js" in (await client.get("/guard/static/kiosk.js")).text


async def test_kiosk_marks_arrival_and_lists(client, site):
    pass_id = (await client.post("/api/v1/passes", json={"premise_id": site.flat.id, "client_id": site.resident.id,
                                                          "visitor_name": "Гостев Гость"},
                                 headers=site.concierge_headers)).json()["id"]
    await sign_in(client, site.guard.login)
    await client.get("/guard/")
    await form_post(client, "/guard/shift/open", {"post": str(site.post.id)})

    found = await client.get("/guard/check", params={"q": "гостев"})
    marked = await client.post(f"/guard/passes/{pass_id}/arrival", data={"q": "гостев"}, headers=csrf(client))
    lists = await client.get("/guard/lists")

    assert 'data-verdict="allow"' in found.text
    assert "Петров П. П." in found.text
    assert marked.headers.get("hx-trigger") == "passes-changed"
    assert 'data-verdict="inside"' in marked.text
    assert f'data-pass-id="{pass_id}"' in lists.text.split('id="expected"')[0]
    for page in (found.text, marked.text, lists.text):
        assert RESIDENT_PHONE not in page
        assert "912" not in page


async def test_kiosk_refusal_shown_in_red(client, site):
    pass_id = (await client.post("/api/v1/passes", json={"premise_id": site.flat.id, "visitor_name": "Отменов"},
                                 headers=site.concierge_headers)).json()["id"]
    await client.post(f"/api/v1/passes/{pass_id}/cancel", headers=site.concierge_headers)
    await sign_in(client, site.guard.login)
    await client.get("/guard/")
    await form_post(client, "/guard/shift/open", {"post": str(site.post.id)})

    found = await client.get("/guard/check", params={"q": "Отменов"})

    assert 'data-verdict="refuse"' in found.text
    assert "Пропуск отменён." in found.text


async def test_guard_closes_shift_with_note(client, site):
    await sign_in(client, site.guard.login)
    await client.get("/guard/")
    await form_post(client, "/guard/shift/open", {"post": str(site.post.id)})

    empty = await client.post("/guard/shift/close", data={"handover_note": ""}, headers=csrf(client))
    closed = await client.post("/guard/shift/close", data={"handover_note": "Всё спокойно"}, headers=csrf(client))
    handover = await client.get("/guard/handover", params={"post": site.post.id})

    assert empty.status_code == 400
    assert closed.headers.get("hx-redirect") == "/guard/"
    assert "Всё спокойно" in handover.text


async def test_manager_security_pages_render(client, factory, site):
    manager = await factory.user(role="building_manager", buildings=[site.building])
    await sign_in(client, manager.login)
    await client.get("/security/blocklist")

    added = await form_post(client, "/security/blocklist", {"building_id": str(site.building.id),
                                                            "full_name": "Ежиков Семён", "plate": "",
                                                            "reason": "Хулиганство"})
    pages = [await client.get(f"/security/{name}") for name in ("incidents", "shifts", "posts", "blocklist")]

    assert added.status_code in (302, 303), added.text
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert "Хулиганство" in pages[3].text
    assert "КПП-1" in pages[2].text


async def test_guard_has_no_security_pages(client, site):
    await sign_in(client, site.guard.login)

    response = await client.get("/security/blocklist")

    assert response.status_code == 403

"""The mobile pages: the queue per role, a ticket's card, the service worker and the manifest."""

from __future__ import annotations

import re

from tests.factories import sign_in
from tests.mobile.helpers import create_ticket


async def test_technician_sees_own_queue_in_order(app_client, db, site):
    normal = await create_ticket(app_client, site, db=db, priority="normal")
    emergency = await create_ticket(app_client, site, db=db, priority="emergency")
    unassigned = await create_ticket(app_client, site, db=db, assign=False)
    await sign_in(app_client, site["technician"].login)

    page = await app_client.get("/m/")

    assert page.status_code == 200
    numbers = [int(number) for number in re.findall(r"<strong>№ (\d+)</strong>", page.text)]
    assert numbers == [emergency["number"], normal["number"]]
    assert str(unassigned["number"]) not in numbers
    assert 'data-own-tickets="true"' in page.text


async def test_dispatcher_sees_building_queue(app_client, db, site):
    assigned = await create_ticket(app_client, site, db=db)
    unassigned = await create_ticket(app_client, site, db=db, assign=False)
    await sign_in(app_client, site["dispatcher"].login)

    page = await app_client.get(f"/m/?building={site['building'].id}")

    numbers = {int(number) for number in re.findall(r"<strong>№ (\d+)</strong>", page.text)}
    assert numbers == {assigned["number"], unassigned["number"]}
    assert 'data-own-tickets="false"' in page.text


async def test_card_shows_place_and_phone(app_client, db, site):
    ticket = await create_ticket(app_client, site, db=db, contact_phone="8 912 345-67-89")
    await sign_in(app_client, site["technician"].login)

    page = await app_client.get(f"/m/tickets/{ticket['id']}")

    assert page.status_code == 200
    assert 'href="tel:+79123456789"' in page.text
    assert "+7 (912) 345-67-89" in page.text
    assert site["building"].address in page.text
    assert "yandex.ru/maps" in page.text
    assert 'data-action="accept"' in page.text
    assert 'data-action="complete"' in page.text


async def test_other_technician_gets_not_found(app_client, db, site, factory):
    ticket = await create_ticket(app_client, site, db=db)
    stranger = await factory.user("technician", buildings=[await factory.building()])
    await sign_in(app_client, stranger.login)

    page = await app_client.get(f"/m/tickets/{ticket['id']}")

    assert page.status_code == 404


async def test_signed_out_user_redirected(app_client):
    response = await app_client.get("/m/", follow_redirects=False)

    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=/m")


async def test_queue_without_slash_redirects(app_client, site):
    await sign_in(app_client, site["technician"].login)

    response = await app_client.get("/m?building=1", follow_redirects=False)

    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/m/?building=1"


async def test_service_worker_served_at_scope(app_client):
    response = await app_client.get("/m/sw.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert "self.addEventListener(\"fetch\"" in response.text


async def test_manifest_and_shell_served(app_client):
    manifest = await app_client.get("/m/static/manifest.webmanifest")
    script = await app_client.get("/m/static/app.js")

    assert manifest.status_code == 200
    assert manifest.json()["start_url"] == "/m/"
    assert manifest.json()["scope"] == "/m/"
    assert script.status_code == 200

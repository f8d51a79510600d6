"""The technician app in a phone browser: a live assignment, completion with a photo, work without signal."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from backend.domain.tickets.models import Ticket, TicketAttachment
from tests.mobile.conftest import bearer, sign_in_on_phone
from tests.mobile.helpers import create_ticket, timeline_count
from tests.mobile.images import jpeg_dimensions, png

pytestmark = pytest.mark.e2e

PHOTO = {"name": "leak.png", "mimeType": "image/png", "buffer": png(3200, 2400)}
"""Larger than the 1600-pixel edge the phone shrinks photos to."""


async def _api(live) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=live.base_url)


async def _start_work(http: httpx.AsyncClient, site: dict, ticket_id: int) -> None:
    response = await http.post(f"/api/v1/tickets/{ticket_id}/transition", json={"status": "in_progress"},
                               headers=bearer(site["technician_token"]))
    assert response.status_code == 200, response.text


async def _ticket(db, ticket_id: int) -> Ticket:
    db.expire_all()
    return await db.get(Ticket, ticket_id)


async def _complete_on_page(page, report: str) -> None:
    await page.click("#complete-step summary")
    await page.fill("form[data-action=complete] textarea[name=report]", report)
    await page.set_input_files("form[data-action=complete] input[name=photos]", files=[PHOTO])
    await page.click("form[data-action=complete] button[type=submit]")


async def test_live_assignment_completed_with_photo(live, db, site, phone, mobile_settings):
    page = await phone.new_page()
    await sign_in_on_phone(page, live.base_url, site["technician"].login)
    await page.wait_for_selector("body[data-live-status=live]")
    http = await _api(live)
    ticket = await create_ticket(http, site, db=db, priority="urgent", assign=False)

    assigned = await http.post(f"/api/v1/tickets/{ticket['id']}/assign", json={"assignee_id": site["technician"].id},
                               headers=bearer(site["dispatcher_token"]))
    assert assigned.status_code == 200, assigned.text
    await page.wait_for_selector(f"#queue [data-ticket-id='{ticket['id']}']")
    assert str(ticket["number"]) in await page.inner_text("#toast")

    await page.click(f"#queue [data-ticket-id='{ticket['id']}'] a")
    await page.click("form[data-action=accept] button")
    await page.wait_for_selector("form[data-action=accept]", state="detached")
    await page.click("form[data-action=transition][data-status=in_progress] button")
    await page.wait_for_selector("#ticket[data-status=in_progress]")
    await _complete_on_page(page, "Заменил смеситель")
    await page.wait_for_selector("#ticket[data-status=completed]")
    await page.wait_for_selector("#gallery img")

    stored = await _ticket(db, ticket["id"])
    assert stored.status == "completed"
    attachments = (await db.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket["id"]))).all()
    assert len(attachments) == 1
    assert attachments[0].content_type == "image/jpeg"
    stored_photo = mobile_settings.data_dir / "uploads" / attachments[0].storage_key
    assert jpeg_dimensions(stored_photo.read_bytes()) == (1600, 1200)
    assert await timeline_count(db, ticket["id"], "accepted") == 1
    assert await timeline_count(db, ticket["id"], "status_changed", "completed") == 1
    await http.aclose()


async def test_offline_completion_recorded_once(live, db, site, phone):
    http = await _api(live)
    ticket = await create_ticket(http, site, db=db)
    await _start_work(http, site, ticket["id"])
    page = await phone.new_page()
    await sign_in_on_phone(page, live.base_url, site["technician"].login)
    await page.wait_for_selector("body[data-offline-ready=true]")

    await phone.set_offline(True)
    await page.goto(f"{live.base_url}/m/tickets/{ticket['id'] + 1000}")
    assert await page.get_attribute("body", "data-page") == "offline"
    await page.goto(f"{live.base_url}/m/tickets/{ticket['id']}")
    await page.wait_for_selector("body[data-ready=true]")
    await _complete_on_page(page, "Прочистил засор")
    await page.wait_for_selector("#pending-list:not([hidden])")
    assert await page.get_attribute("#outbox", "data-count") == "2"
    assert (await _ticket(db, ticket["id"])).status == "in_progress"

    await phone.set_offline(False)
    await page.wait_for_selector("#ticket[data-status=completed]")

    assert await timeline_count(db, ticket["id"], "status_changed", "completed") == 1
    attachments = (await db.scalars(select(TicketAttachment).where(TicketAttachment.ticket_id == ticket["id"]))).all()
    assert len(attachments) == 1
    await page.reload()
    await page.wait_for_selector("body[data-ready=true]")
    assert await page.get_attribute("body", "data-outbox-count") == "0"
    assert await timeline_count(db, ticket["id"], "status_changed", "completed") == 1
    await http.aclose()


async def test_offline_action_on_cancelled_ticket_shown(live, db, site, phone):
    http = await _api(live)
    ticket = await create_ticket(http, site, db=db)
    await _start_work(http, site, ticket["id"])
    page = await phone.new_page()
    await sign_in_on_phone(page, live.base_url, site["technician"].login)
    await page.goto(f"{live.base_url}/m/tickets/{ticket['id']}")
    await page.wait_for_selector("body[data-ready=true]")

    await phone.set_offline(True)
    await page.click("#complete-step summary")
    await page.fill("form[data-action=complete] textarea[name=report]", "Сделано")
    await page.click("form[data-action=complete] button[type=submit]")
    await page.wait_for_selector("#pending-list:not([hidden])")
    cancelled = await http.post(f"/api/v1/tickets/{ticket['id']}/transition",
                                json={"status": "cancelled", "reason": "Клиент отказался"},
                                headers=bearer(site["dispatcher_token"]))
    assert cancelled.status_code == 200, cancelled.text
    await phone.set_offline(False)

    conflict = await page.wait_for_selector(f"#conflict-list [data-ticket-id='{ticket['id']}']")
    assert str(ticket["number"]) in await conflict.inner_text()
    assert await page.is_visible("#conflicts")
    assert (await _ticket(db, ticket["id"])).status == "cancelled"
    assert await timeline_count(db, ticket["id"], "status_changed", "completed") == 0
    await http.aclose()

"""In a real browser: the шахматка opens a premise card on click, and the search box leads to it."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in_page

pytestmark = [pytest.mark.asyncio, pytest.mark.e2e]

CHASOVAYA = "г. Москва, ул. Часовая, д. 19, к. 3"


async def open_map(page, live_server, address: str) -> None:
    await page.goto(f"{live_server.base_url}/buildings")
    await page.click(f"text={address}")
    building_url = page.url
    await page.goto(f"{building_url}/map")
    await page.wait_for_selector(".unitmap-cell")


async def test_click_cell_shows_premise_card(browser, live_server):
    page = await signed_in_page(browser, live_server, "dispatcher")
    await open_map(page, live_server, CHASOVAYA)
    assert await page.locator(".unitmap-entrance").count() == 3
    assert await page.locator(".unitmap-cell").count() == 259

    await page.click(".unitmap-cell.o-owner >> nth=0")
    panel = page.locator("#unitmap-panel")
    await panel.wait_for(state="visible")
    await panel.locator("h2").wait_for()
    assert "кв." in await panel.locator("h2").text_content()
    assert await panel.locator("a[href^='/clients/']").count() >= 1

    await page.click("input[name=layer][value=occupancy]")
    assert await page.get_attribute(".unitmap", "data-layer") == "occupancy"
    await page.context.close()


async def test_search_box_opens_premise_on_map(browser, live_server):
    page = await signed_in_page(browser, live_server, "dispatcher")
    await page.goto(f"{live_server.base_url}/clients")
    await page.fill("input[type=search]", "Часовая 19 кв 45")
    await page.wait_for_selector(".clients-hits a.active")
    await page.keyboard.press("Enter")
    await page.wait_for_selector("#unitmap-panel h2")
    assert (await page.text_content("#unitmap-panel h2")).strip() == "кв. 45"
    await page.context.close()

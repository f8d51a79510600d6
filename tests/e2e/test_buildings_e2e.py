"""In a real browser: sign in and open a real building with its entrances and premises."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in_page

pytestmark = [pytest.mark.asyncio, pytest.mark.e2e]


async def test_sign_in_and_open_building(browser, live_server):
    page = await signed_in_page(browser, live_server, "manager")
    await page.goto(f"{live_server.base_url}/buildings")
    assert await page.title() == "Объекты · Домовой"
    await page.click("text=г. Москва, ул. Академическая Б., д. 9, к. 1")
    await page.wait_for_selector("section.entrance")
    assert await page.locator("section.entrance").count() == 2
    assert await page.locator(".premise").count() == 134
    await page.context.close()


async def test_wrong_password_shows_message(browser, live_server):
    context = await browser.new_context(locale="ru-RU")
    page = await context.new_page()
    await page.goto(f"{live_server.base_url}/login")
    await page.fill("input[name=login]", "dispatcher")
    await page.fill("input[name=password]", "wrong password")
    await page.click("button[type=submit]")
    assert await page.text_content("[role=alert]") == "Неверный логин или пароль."
    await context.close()

"""Fixtures for the mobile app: an app client with its own data folder, a live server, a phone browser."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from backend.app import create_app
from tests import factories
from tests.live import LiveServer, settings_with

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def mobile_settings(settings, tmp_path):
    """Settings whose data folder (uploads, VAPID key) is private to the test."""
    return settings_with(settings, data_dir=tmp_path, redis_url=None)


@pytest.fixture
async def app_client(db, database_url, mobile_settings):
    async with AsyncTestClient(app=create_app(mobile_settings, database_url)) as client:
        yield client


@pytest.fixture
async def live(db, database_url, mobile_settings):
    server = LiveServer(mobile_settings, database_url)
    await server.start()
    await server.relay_active()
    yield server
    await server.stop()


@pytest.fixture
async def site(db, factory):
    """A building with the catalogue, a dispatcher (with an API token) and two technicians."""
    building = await factory.building(entrances=2, floors=5, flats_per_floor=4)
    categories = await factories.default_catalog(db)
    dispatcher = await factory.user("dispatcher", buildings=[building])
    technician = await factory.user("technician", buildings=[building])
    other_technician = await factory.user("technician", buildings=[building])
    return {"building": building, "categories": categories, "dispatcher": dispatcher,
            "dispatcher_token": await factory.token(dispatcher), "technician": technician,
            "technician_token": await factory.token(technician), "other_technician": other_technician}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
async def chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield playwright, browser
        await browser.close()


@pytest.fixture
async def phone(chromium):
    """A browser context that emulates a Pixel 7 (viewport, touch, mobile user agent)."""
    playwright, browser = chromium
    device = {key: value for key, value in playwright.devices["Pixel 7"].items() if key != "default_browser_type"}
    context = await browser.new_context(**device, locale="ru-RU", timezone_id="Europe/Moscow")
    context.set_default_timeout(15_000)
    script_errors: list[str] = []
    context.on("weberror", lambda error: script_errors.append(str(error.error)))
    context.on("console", lambda message: _is_script_error(message) and script_errors.append(message.text))
    yield context
    await context.close()
    assert script_errors == [], "the page's scripts failed: " + " | ".join(script_errors)


def _is_script_error(message) -> bool:
    """Console errors from the app's scripts. Chromium also logs each 4xx reply and each request refused
    while offline; conflicts and offline work expect those, so they do not count."""
    text = message.text
    return message.type == "error" and not text.startswith("Failed to load resource") and "net::ERR_" not in text


async def sign_in_on_phone(page, base_url: str, login: str) -> None:
    await page.goto(f"{base_url}/login?next=/m/")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", factories.PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base_url}/m/")
    await page.wait_for_selector("body[data-ready=true]")

"""In a real browser on the demo data: the dashboards, a figure's tickets and the Excel download."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from sqlalchemy import select, text

from backend.db.engine import create_engine, create_session_factory
from backend.demo import MANAGER_BUILDINGS
from backend.domain.buildings.models import Building
from backend.domain.staff.models import User
from backend.domain.tickets.models import ServiceCategory
from tests.conftest import signed_in_page
from tests.reports.history import seed_history

pytestmark = [pytest.mark.asyncio, pytest.mark.e2e]

HISTORY_TICKETS = 600
HISTORY_DAYS = 28  # inside the dashboards' default period of 30 days
HISTORY_DESCRIPTION = "Тестовая заявка"  # what seed_history writes; other browser tests use their own texts
RUN_TIMEOUT_MS = 60_000  # an analytics run over the demo data takes about a second


@pytest.fixture(scope="module")
async def report_history(e2e_database_url) -> None:
    """Add a month of ticket history to ten demo buildings, half of them the demo manager's."""
    engine = create_engine(e2e_database_url)
    async with create_session_factory(engine)() as session:
        seeded = await session.scalar(select(text("count(*)")).select_from(text("tickets"))
                                      .where(text("description = :text")).params(text=HISTORY_DESCRIPTION))
        if not seeded:
            await _seed(session)
    await engine.dispose()


async def _seed(session) -> None:
    buildings = list((await session.scalars(select(Building).order_by(Building.id).limit(2 * MANAGER_BUILDINGS))))
    categories = list((await session.scalars(select(ServiceCategory.id))).all())
    technicians = list((await session.scalars(select(User.id).where(User.role == "technician"))).all())
    now = datetime.now(timezone.utc)
    await seed_history(session, buildings, categories, technicians, count=HISTORY_TICKETS,
                       start=now - timedelta(days=HISTORY_DAYS), days=HISTORY_DAYS - 1, now=now)
    # seed_history writes ids and numbers itself: move the sequences past them so that tickets the
    # other browser tests create get fresh ones, and mark the tickets changed so the next run reads them.
    await session.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), max(id)) FROM tickets"))
    await session.execute(text("SELECT setval('ticket_number_seq', max(number)) FROM tickets"))
    await session.execute(text("UPDATE tickets SET updated_at = now() WHERE description = :text"),
                          {"text": HISTORY_DESCRIPTION})
    await session.commit()


async def refreshed_dashboard(browser, live_server, login: str):
    """Open /reports as `login`, ask for fresh figures and reload once they are ready."""
    page = await signed_in_page(browser, live_server, login)
    await page.goto(f"{live_server.base_url}/reports")
    # A run that started before the history was seeded may still be going: a request made now would
    # join it, so wait until the status line (polled every few seconds) shows no run.
    await page.wait_for_function("!document.querySelector('#run-state .badge')", timeout=RUN_TIMEOUT_MS)
    await page.click("#refresh-figures")
    await page.wait_for_selector("#figures-ready", timeout=RUN_TIMEOUT_MS)
    await page.goto(f"{live_server.base_url}/reports")
    return page


def number_of(text_value: str) -> int:
    return int(re.sub(r"\D", "", text_value))


async def test_manager_sees_own_buildings(browser, live_server, report_history):
    page = await refreshed_dashboard(browser, live_server, "manager")

    rows = page.locator("#table-by_building tbody tr")
    assert 1 <= await rows.count() <= MANAGER_BUILDINGS
    assert await page.locator("figure.chart svg .segment").count() > 0
    assert await page.locator("select[name=building] option").count() == MANAGER_BUILDINGS
    await page.context.close()


async def test_figure_links_to_its_tickets(browser, live_server, report_history):
    page = await refreshed_dashboard(browser, live_server, "manager")
    kpi = page.locator("a.kpi").first
    received = number_of(await kpi.locator(".kpi-value").text_content())

    await kpi.click()
    await page.wait_for_selector("#ticket-total")
    assert page.url.startswith(f"{live_server.base_url}/tickets?")
    assert number_of(await page.text_content("#ticket-total")) == received
    await page.locator("#ticket-list tbody tr a").first.click()
    await page.wait_for_url(re.compile(r"/tickets/\d+$"))
    await page.context.close()


async def test_service_downloads_valid_xlsx(browser, live_server, report_history, tmp_path):
    page = await refreshed_dashboard(browser, live_server, "service")
    assert await page.locator("#table-by_building tbody tr").count() > MANAGER_BUILDINGS

    async with page.expect_download() as download_info:
        await page.click("#download-xlsx")
    download = await download_info.value
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert len(workbook.sheetnames) >= 8
    assert workbook.worksheets[0].cell(row=2, column=3).value > 0
    await page.context.close()


async def test_service_sees_call_report(browser, live_server, report_history):
    page = await signed_in_page(browser, live_server, "service")
    await page.goto(f"{live_server.base_url}/reports/calls")

    assert await page.locator("#calls-unavailable").count() == 0
    assert await page.locator("section.kpis").count() == 1
    await page.context.close()

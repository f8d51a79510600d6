"""The /reports dashboards, their downloads and the /tickets list behind each figure."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import openpyxl
from sqlalchemy import text

from tests.factories import sign_in
from tests.reports.conftest import NOW


def period(history) -> dict[str, str]:
    return {"from": (history.start - timedelta(days=1)).date().isoformat(),
            "to": (NOW + timedelta(days=1)).date().isoformat()}


def links_in(html: str, prefix: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html) if unescape(href).startswith(prefix)]


async def count_sql(db, statement: str, **params) -> int:
    return (await db.execute(text(statement), params)).scalar_one()


async def test_dashboard_renders_for_manager(client, db, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/reports", params=period(history))

    own = history.buildings[0]
    assert response.status_code == 200, response.text
    assert "<svg" in response.text
    assert own.address in response.text
    assert history.buildings[1].address not in response.text
    assert 'href="/reports"' in response.text, "the navigation lists the reports"


async def test_dashboard_link_matches_figure(client, db, history):
    await sign_in(client, history.manager_user.login)
    page = await client.get("/reports", params=period(history))
    completed_link = next(link for link in links_in(page.text, "/tickets?") if "completed=1" in link
                          and "assignee" not in link and "building=" in link)

    listed = await client.get(completed_link)
    expected = await count_sql(db, "SELECT count(*) FROM tickets WHERE building_id = :own "
                                   "AND completed_at IS NOT NULL", own=history.buildings[0].id)
    assert listed.status_code == 200, listed.text
    total = re.search(r'id="ticket-total">([^<]+)<', listed.text).group(1)
    assert int(re.sub(r"\D", "", total)) == expected


async def test_ticket_list_rejects_foreign_building(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/tickets", params={"building": history.buildings[1].id})

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert 'id="ticket-list"' not in response.text


async def test_ticket_list_rows_link_tickets(client, db, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/tickets", params={"overdue": "1"})

    rows = links_in(response.text, "/tickets/")
    overdue = await count_sql(db, "SELECT count(*) FROM tickets WHERE building_id = :own "
                                  "AND status IN ('new', 'assigned', 'in_progress') "
                                  "AND ((responded_at IS NULL AND response_due_at < now()) "
                                  "OR resolution_due_at < now())", own=history.buildings[0].id)
    assert len(rows) == min(overdue, 50)
    assert 'href="/tickets?"' in response.text, "the overdue chip links to the list without it"


async def test_xlsx_download_opens(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/reports/tickets.xlsx", params=period(history))

    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "По зданиям" in workbook.sheetnames or len(workbook.sheetnames) >= 8


async def test_csv_download_one_table(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/reports/tickets/by_building.csv", params=period(history))
    missing = await client.get("/reports/tickets/no_such_table.csv", params=period(history))

    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    assert history.buildings[0].address in response.content.decode("utf-8-sig")
    assert missing.status_code == 404


async def test_refresh_button_requests_run(client, db, history):
    await sign_in(client, history.manager_user.login)
    await client.get("/reports")
    response = await client.post("/reports/refresh", data={"back": "/reports?from=2026-01-01",
                                                           "_csrf_token": client.cookies.get("csrftoken")},
                                 follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/reports?from=2026-01-01"
    assert await count_sql(db, "SELECT count(*) FROM report_runs WHERE status = 'requested'") == 1


async def test_bad_date_shows_error_and_defaults(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/reports", params={"from": "31.02.2026"})

    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "<svg" in response.text


async def test_calls_dashboard_for_manager(client, history):
    await sign_in(client, history.manager_user.login)
    response = await client.get("/reports/calls")

    assert response.status_code == 200
    assert 'id="calls-unavailable"' in response.text


async def test_technician_cannot_open_reports(client, history):
    await sign_in(client, history.technicians[0].login)
    response = await client.get("/reports")

    assert response.status_code == 403

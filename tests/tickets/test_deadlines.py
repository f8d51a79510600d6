"""Ticket deadlines on the building's business calendar, holds that stop the clock, breach flags."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from backend.domain.buildings.models import Building
from backend.domain.tickets.deadlines import set_deadlines, shift_deadlines_after_hold
from backend.domain.tickets.jobs import do_close_completed, do_flag_breaches
from backend.domain.tickets.models import Status, Ticket
from backend.realtime.models import OutboxEvent
from tests.tickets.conftest import new_ticket

pytestmark = pytest.mark.asyncio
MOSCOW = ZoneInfo("Europe/Moscow")


def moscow(*args) -> datetime:
    return datetime(*args, tzinfo=MOSCOW).astimezone(timezone.utc)


async def _ticket(db, desk, priority: str) -> Ticket:
    ticket = Ticket(building_id=desk.building.id, category_id=desk.categories["plumbing"], priority=priority,
                    channel="phone", description="x")
    db.add(ticket)
    await db.flush()
    return ticket


async def test_normal_ticket_skips_new_year(db, desk):
    building = await db.get(Building, desk.building.id)
    ticket = await _ticket(db, desk, "normal")
    await set_deadlines(db, ticket, building, moscow(2025, 12, 30, 17, 0))
    # 240 business minutes: 1 h on 30 Dec; 31 Dec 2025 is a day off by decree, then holidays until 11 Jan.
    assert ticket.response_due_at == moscow(2026, 1, 12, 12, 0)


async def test_emergency_runs_around_clock(db, desk):
    building = await db.get(Building, desk.building.id)
    ticket = await _ticket(db, desk, "emergency")
    await set_deadlines(db, ticket, building, moscow(2026, 1, 1, 3, 0))
    assert ticket.response_due_at == moscow(2026, 1, 1, 3, 20)
    assert ticket.resolution_due_at == moscow(2026, 1, 1, 7, 0)


async def test_night_ticket_starts_next_morning(db, desk):
    building = await db.get(Building, desk.building.id)
    ticket = await _ticket(db, desk, "urgent")
    await set_deadlines(db, ticket, building, moscow(2026, 12, 8, 23, 30))
    assert ticket.response_due_at == moscow(2026, 12, 9, 10, 0)


async def test_shortened_day_counts_one_hour_less(db, desk):
    building = await db.get(Building, desk.building.id)
    ticket = await _ticket(db, desk, "urgent")
    # 7 March 2025 is a pre-holiday day ending at 17:00, so 60 minutes from 16:30 end on 10 March 09:30.
    await set_deadlines(db, ticket, building, moscow(2025, 3, 7, 16, 30))
    assert ticket.response_due_at == moscow(2025, 3, 10, 9, 30)


async def test_building_time_zone_applies(db, desk):
    building = await db.get(Building, desk.building.id)
    building.time_zone = "Asia/Vladivostok"
    ticket = await _ticket(db, desk, "urgent")
    start = datetime(2026, 12, 8, 6, 0, tzinfo=timezone.utc)  # 16:00 in Vladivostok, 09:00 in Moscow
    await set_deadlines(db, ticket, building, start)
    assert ticket.response_due_at == datetime(2026, 12, 8, 17, 0, tzinfo=ZoneInfo("Asia/Vladivostok"))


async def test_hold_moves_deadlines(db, desk):
    building = await db.get(Building, desk.building.id)
    ticket = await _ticket(db, desk, "normal")
    await set_deadlines(db, ticket, building, moscow(2026, 12, 7, 9, 0))
    assert ticket.resolution_due_at == moscow(2026, 12, 8, 18, 0)
    paused = shift_deadlines_after_hold(ticket, building, moscow(2026, 12, 7, 10, 0), moscow(2026, 12, 7, 12, 0))
    assert paused == 120
    assert ticket.resolution_due_at == moscow(2026, 12, 9, 11, 0), "two business hours past 18:00 is 11:00 next day"


async def test_breach_flagged_once(client, db, desk):
    created = (await client.post("/api/v1/tickets", json=new_ticket(desk, priority="emergency"),
                                 headers=desk.dispatcher_headers)).json()
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    assert await do_flag_breaches(db, later) == 1
    await db.commit()
    assert await do_flag_breaches(db, later) == 0
    ticket = await db.get(Ticket, created["ticket"]["id"])
    assert ticket.response_breached_at == later
    types = (await db.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id))).all()
    assert "ticket.breached" in types
    assert "notification.breached" in types


async def test_completed_ticket_closes_automatically(client, db, desk):
    ticket_id = (await client.post("/api/v1/tickets", json=new_ticket(desk, assignee_id=desk.technician.id),
                                   headers=desk.dispatcher_headers)).json()["ticket"]["id"]
    await client.post(f"/api/v1/tickets/{ticket_id}/transition", json={"status": "completed"},
                      headers=desk.technician_headers)
    now = datetime.now(timezone.utc)
    assert await do_close_completed(db, now + timedelta(days=2), after_days=3) == 0
    assert await do_close_completed(db, now + timedelta(days=4), after_days=3) == 1
    await db.commit()
    assert (await db.get(Ticket, ticket_id)).status == Status.CLOSED

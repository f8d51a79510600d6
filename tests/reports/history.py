"""A seeded history of tickets with timelines, bulk-inserted at chosen instants.

Deadlines come from the same calendar the actions use, and holds shift them the way
`shift_deadlines_after_hold` does, so the data looks like what the actions write over weeks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building
from backend.domain.tickets.catalog import DEFAULT_POLICIES
from backend.domain.tickets.deadlines import calendar_for
from backend.domain.tickets.models import Channel, Priority, Status, Ticket, TimelineEntry

PRIORITY_WEIGHTS = {Priority.EMERGENCY: 1, Priority.URGENT: 2, Priority.NORMAL: 6, Priority.PLANNED: 2}


@dataclass
class _Ticket:
    row: dict
    events: list[dict] = field(default_factory=list)

    def change(self, at: datetime, kind: str, from_value: str | None, to_value: str | None) -> None:
        self.events.append({"ticket_id": self.row["id"], "at": at, "kind": kind, "from_value": from_value,
                            "to_value": to_value, "details": {}})
        self.row["status"] = to_value


async def seed_history(session: AsyncSession, buildings: list[Building], category_ids: list[int],
                       technician_ids: list[int], *, count: int, start: datetime, days: int, now: datetime,
                       seed: int = 7) -> int:
    """Insert `count` tickets created between `start` and `start + days`; return how many."""
    rng = random.Random(seed)
    first_id = (await session.scalar(select(func.coalesce(func.max(Ticket.id), 0)))) + 1
    tickets = [_life(rng, first_id + index, rng.choice(buildings), category_ids, technician_ids,
                     start + timedelta(minutes=rng.randrange(days * 24 * 60)), now)
               for index in range(count)]
    await session.execute(insert(Ticket), [ticket.row for ticket in tickets])
    events = [event for ticket in tickets for event in ticket.events]
    await session.execute(insert(TimelineEntry), events)
    await session.commit()
    return count


class _Clock:
    """The instant a ticket's story has reached; it never passes `now`."""

    def __init__(self, rng: random.Random, at: datetime, now: datetime) -> None:
        self.rng, self.at, self.now = rng, at, now

    def advance(self, minutes_low: int, minutes_high: int) -> bool:
        """Move on by a random number of minutes; False when that would pass `now`."""
        self.at += timedelta(minutes=self.rng.randint(minutes_low, minutes_high))
        return self.at < self.now


def _life(rng: random.Random, ticket_id: int, building: Building, category_ids: list[int],
          technician_ids: list[int], created: datetime, now: datetime) -> _Ticket:
    """Play one ticket's life forward from `created` with random steps, stopping at `now`."""
    priority = rng.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
    calendar = calendar_for(building, priority)
    response, resolution = DEFAULT_POLICIES[priority]
    ticket = _Ticket({
        "id": ticket_id, "number": ticket_id + 1000, "building_id": building.id,
        "category_id": rng.choice(category_ids), "priority": priority, "channel": rng.choice(Channel.ALL),
        "status": Status.NEW, "description": "Тестовая заявка", "created_at": created, "updated_at": created,
        "response_due_at": calendar.add(created, timedelta(minutes=response)),
        "resolution_due_at": calendar.add(created, timedelta(minutes=resolution)),
        "paused_minutes": 0, "version": 1, "assignee_id": None, "responded_at": None, "completed_at": None,
        "closed_at": None, "rating": None, "cancel_reason": None,
    })
    ticket.change(created, "created", None, Status.NEW)
    clock = _Clock(rng, created, now)

    if rng.random() < 0.15 and clock.advance(10, 600):
        ticket.change(clock.at, "status_changed", Status.NEW, Status.ON_HOLD)
        if not _leave_hold(ticket, calendar, clock, Status.NEW):
            return _finish(ticket)
    if rng.random() < 0.05 and clock.advance(5, 200):
        ticket.row["cancel_reason"] = "Клиент отозвал"
        ticket.change(clock.at, "status_changed", ticket.row["status"], Status.CANCELLED)
        return _finish(ticket)
    if not clock.advance(5, 900):
        return _finish(ticket)
    ticket.row["assignee_id"] = rng.choice(technician_ids)
    ticket.row["responded_at"] = clock.at
    ticket.events.append({"ticket_id": ticket_id, "at": clock.at, "kind": "assigned", "from_value": None,
                          "to_value": str(ticket.row["assignee_id"]), "details": {}})
    ticket.change(clock.at, "status_changed", Status.NEW, Status.ASSIGNED)
    return _work(rng, ticket, calendar, clock)


def _work(rng: random.Random, ticket: _Ticket, calendar, clock: _Clock) -> _Ticket:
    for attempt in range(2):
        if not clock.advance(5, 400):
            return _finish(ticket)
        if ticket.row["status"] != Status.IN_PROGRESS:
            ticket.change(clock.at, "status_changed", ticket.row["status"], Status.IN_PROGRESS)
        if rng.random() < 0.2 and clock.advance(10, 500):
            ticket.change(clock.at, "status_changed", Status.IN_PROGRESS, Status.ON_HOLD)
            if not _leave_hold(ticket, calendar, clock, Status.IN_PROGRESS):
                return _finish(ticket)
        if not clock.advance(30, 3000):
            return _finish(ticket)
        ticket.row["completed_at"] = clock.at
        ticket.change(clock.at, "status_changed", Status.IN_PROGRESS, Status.COMPLETED)
        if attempt == 1 or rng.random() >= 0.12 or not clock.advance(60, 2000):
            break
        ticket.row["completed_at"] = None
        ticket.change(clock.at, "reopened", Status.COMPLETED, Status.IN_PROGRESS)
    if ticket.row["status"] == Status.COMPLETED and rng.random() < 0.6 and clock.advance(60, 2000):
        ticket.row["closed_at"] = clock.at
        ticket.change(clock.at, "status_changed", Status.COMPLETED, Status.CLOSED)
    if ticket.row["completed_at"] is not None and rng.random() < 0.5:
        ticket.row["rating"] = rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 4, 6])[0]
    return _finish(ticket)


def _leave_hold(ticket: _Ticket, calendar, clock: _Clock, back_to: str) -> bool:
    """End a hold: move the deadlines by the business time spent on hold. False if still on hold."""
    started = clock.at
    if not clock.advance(30, 4000):
        return False
    paused = calendar.elapsed(started, clock.at)
    if ticket.row["responded_at"] is None:
        ticket.row["response_due_at"] = calendar.add(ticket.row["response_due_at"], paused)
    ticket.row["resolution_due_at"] = calendar.add(ticket.row["resolution_due_at"], paused)
    ticket.row["paused_minutes"] += int(paused.total_seconds() // 60)
    ticket.change(clock.at, "status_changed", Status.ON_HOLD, back_to)
    return True


def _finish(ticket: _Ticket) -> _Ticket:
    ticket.row["updated_at"] = max(event["at"] for event in ticket.events)
    return ticket

"""Response and resolution deadlines on the building's business calendar."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building
from backend.domain.calendar import BusinessCalendar, WorkingHours
from backend.domain.tickets.models import DeadlinePolicy, Priority, Ticket

# Used when neither the category nor the catalogue default has a policy: (response, resolution) minutes.
FALLBACK_MINUTES = {
    Priority.EMERGENCY: (30, 240),
    Priority.URGENT: (60, 480),
    Priority.NORMAL: (240, 1440),
    Priority.PLANNED: (1440, 4800),
}


def calendar_for(building: Building, priority: str) -> BusinessCalendar:
    """Emergencies run around the clock; everything else on the building's working hours."""
    return BusinessCalendar(building.time_zone, working_hours_of(building),
                            around_the_clock=priority == Priority.EMERGENCY)


def working_hours_of(building: Building) -> WorkingHours | None:
    """Read `{"1": ["09:00", "18:00"], ...}` (ISO weekday 1 = Monday) from the building."""
    if not building.working_hours:
        return None
    hours = {int(day) - 1: (time.fromisoformat(start), time.fromisoformat(end))
             for day, (start, end) in building.working_hours.items()}
    return WorkingHours.from_mapping(hours)


async def policy_minutes(session: AsyncSession, category_id: int, priority: str) -> tuple[int, int]:
    policies = (await session.scalars(select(DeadlinePolicy).where(
        DeadlinePolicy.priority == priority,
        (DeadlinePolicy.category_id == category_id) | DeadlinePolicy.category_id.is_(None)))).all()
    own = [p for p in policies if p.category_id == category_id]
    chosen = (own or policies or [None])[0]
    if chosen is None:
        return FALLBACK_MINUTES[priority]
    return chosen.response_minutes, chosen.resolution_minutes


async def set_deadlines(session: AsyncSession, ticket: Ticket, building: Building, start: datetime) -> None:
    response, resolution = await policy_minutes(session, ticket.category_id, ticket.priority)
    calendar = calendar_for(building, ticket.priority)
    ticket.response_due_at = calendar.add(start, timedelta(minutes=response))
    ticket.resolution_due_at = calendar.add(start, timedelta(minutes=resolution))


def shift_deadlines_after_hold(ticket: Ticket, building: Building, hold_started: datetime, now: datetime) -> int:
    """Move the deadlines by the business time spent on hold; return those minutes."""
    calendar = calendar_for(building, ticket.priority)
    paused = calendar.elapsed(hold_started, now)
    if ticket.responded_at is None and ticket.response_due_at is not None:
        ticket.response_due_at = calendar.add(ticket.response_due_at, paused)
    if ticket.resolution_due_at is not None:
        ticket.resolution_due_at = calendar.add(ticket.resolution_due_at, paused)
    return int(paused.total_seconds() // 60)

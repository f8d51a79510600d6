"""Ticket set-up through the real API, shared by the mobile tests."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Premise
from backend.domain.tickets.models import TimelineEntry


async def first_premise_id(db: AsyncSession, building_id: int) -> int:
    return await db.scalar(select(Premise.id).where(Premise.building_id == building_id).order_by(Premise.id).limit(1))


async def create_ticket(http, site: dict, *, db: AsyncSession, priority: str = "normal", assign: bool = True,
                        description: str = "Течёт кран на кухне", contact_phone: str | None = "+79123456789") -> dict:
    """Create a ticket as the dispatcher, assigned to the technician unless `assign` is False."""
    body = {"building_id": site["building"].id, "category_id": site["categories"]["plumbing"], "priority": priority,
            "description": description, "premise_id": await first_premise_id(db, site["building"].id),
            "contact_name": "Иванова Мария Петровна", "contact_phone": contact_phone}
    if assign:
        body["assignee_id"] = site["technician"].id
    response = await http.post("/api/v1/tickets", json=body,
                               headers={"Authorization": f"Bearer {site['dispatcher_token']}"})
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


async def timeline_count(db: AsyncSession, ticket_id: int, kind: str, to_value: str | None = None) -> int:
    query = select(func.count()).where(TimelineEntry.ticket_id == ticket_id, TimelineEntry.kind == kind)
    if to_value is not None:
        query = query.where(TimelineEntry.to_value == to_value)
    db.expire_all()
    return await db.scalar(query)

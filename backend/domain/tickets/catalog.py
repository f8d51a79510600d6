"""The default service catalogue and deadline policies, created once per installation."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.tickets.models import DeadlinePolicy, Priority, ServiceCategory

# (code, Russian name as shown to people, price in roubles for paid services)
DEFAULT_CATEGORIES = [
    ("plumbing", "Сантехника", None),
    ("electrics", "Электрика", None),
    ("lift", "Лифт", None),
    ("heating", "Отопление", None),
    ("cleaning", "Уборка", None),
    ("access_control", "Домофон и СКУД", None),
    ("roof_facade", "Кровля и фасад", None),
    ("yard", "Благоустройство двора", None),
    ("paid_plumber_visit", "Платная услуга: вызов сантехника", Decimal("1500")),
    ("paid_electrician_visit", "Платная услуга: вызов электрика", Decimal("1500")),
    ("other", "Другое", None),
]

# Catalogue-wide defaults in business minutes (response, resolution); emergencies count around the clock.
DEFAULT_POLICIES = {
    Priority.EMERGENCY: (20, 240),
    Priority.URGENT: (60, 480),
    Priority.NORMAL: (240, 2 * 540),
    Priority.PLANNED: (540, 5 * 540),
}


async def ensure_default_catalog(session: AsyncSession) -> None:
    """Insert the default categories and policies that are missing; existing rows are kept as edited."""
    await session.execute(insert(ServiceCategory).values(
        [{"code": code, "name": name, "price": price} for code, name, price in DEFAULT_CATEGORIES])
        .on_conflict_do_nothing(index_elements=["code"]))
    has_defaults = await session.scalar(select(DeadlinePolicy.id).where(DeadlinePolicy.category_id.is_(None)).limit(1))
    if has_defaults is None:
        session.add_all(DeadlinePolicy(category_id=None, priority=priority, response_minutes=response,
                                       resolution_minutes=resolution)
                        for priority, (response, resolution) in DEFAULT_POLICIES.items())
    await session.flush()

"""Fetching a pass for a user: the permission and the building scope in one place."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.errors import NotFound
from backend.domain.passes.models import Pass
from backend.domain.staff.access import Principal, can_see_building, check_permission
from backend.domain.staff.roles import Permission


async def access_pass(session: AsyncSession, principal: Principal, pass_id: int, permission: Permission, *,
                      for_update: bool = False) -> Pass:
    """Return the pass if the user has `permission` and sees its building.

    A pass outside the scope is reported as missing, so that its existence is not disclosed.
    `for_update` locks the row until the transaction ends, which serializes arrivals and departures.
    """
    check_permission(principal, permission)
    query = select(Pass).where(Pass.id == pass_id)
    if for_update:
        query = query.with_for_update()
    item = await session.scalar(query)
    if item is None or not can_see_building(principal, item.building_id):
        raise NotFound("pass_not_found", "Pass not found or not in your scope.", field="pass_id", value=pass_id)
    return item


def can_see_personal_data(principal: Principal) -> bool:
    """Whether the user may see the full pass (document, host client) rather than the guard's view."""
    return Permission.PERSONAL_DATA_VIEW in principal.permissions

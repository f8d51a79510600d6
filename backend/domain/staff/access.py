"""The one place that decides what a user may see and do.

`access_*` functions fetch an object and check the user's permission and building scope;
`check_permission` checks a permission alone; `scope_filter` narrows a query to the user's
buildings. Pages, API handlers and WebSocket subscriptions all go through these.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
from sqlalchemy import ColumnElement, false, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.buildings.models import Building
from backend.domain.errors import Forbidden, NotFound
from backend.domain.staff.roles import ROLE_PERMISSIONS, Permission, Role


class Principal(msgspec.Struct, frozen=True):
    """The signed-in user as the access checks see them."""

    user_id: int
    login: str
    full_name: str
    role: Role
    all_buildings: bool
    building_ids: frozenset[int]
    extension: str | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self.role]


def has_permission(principal: Principal, permission: Permission) -> bool:
    return permission in principal.permissions


def check_permission(principal: Principal, permission: Permission) -> None:
    if not has_permission(principal, permission):
        raise Forbidden("permission_denied", "You do not have permission for this action.",
                        field="permission", value=permission.value)


def can_see_building(principal: Principal, building_id: int) -> bool:
    return principal.all_buildings or building_id in principal.building_ids


def visible_building_ids(principal: Principal, building_ids: Iterable[int]) -> list[int]:
    return [building_id for building_id in building_ids if can_see_building(principal, building_id)]


def scope_filter(principal: Principal, building_id_column: ColumnElement[int]) -> ColumnElement[bool]:
    """Return a WHERE clause that keeps rows of the user's buildings only."""
    if principal.all_buildings:
        return true()
    if not principal.building_ids:
        return false()
    return building_id_column.in_(sorted(principal.building_ids))


def check_building_scope(principal: Principal, building_id: int) -> None:
    """Raise NotFound for a building outside the scope, so its existence is not disclosed."""
    if not can_see_building(principal, building_id):
        raise NotFound("building_not_found", "Building not found or not in your scope.", field="building_id",
                       value=building_id)


async def access_building(session: AsyncSession, principal: Principal, building_id: int,
                          permission: Permission = Permission.BUILDINGS_VIEW) -> Building:
    check_permission(principal, permission)
    check_building_scope(principal, building_id)
    building = await session.get(Building, building_id)
    if building is None:
        raise NotFound("building_not_found", "Building not found or not in your scope.", field="building_id",
                       value=building_id)
    return building

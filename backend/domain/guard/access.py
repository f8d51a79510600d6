"""Fetching guard posts and the user's open shift, with the permission and building scope checks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.errors import NotFound
from backend.domain.guard.models import GuardPost, GuardShift
from backend.domain.staff.access import Principal, can_see_building, check_permission
from backend.domain.staff.roles import Permission


async def access_post(session: AsyncSession, principal: Principal, post_id: int,
                      permission: Permission = Permission.PASSES_CHECK) -> GuardPost:
    """Return the post if the user has `permission` and sees its building; otherwise report it missing."""
    check_permission(principal, permission)
    post = await session.get(GuardPost, post_id)
    if post is None or not can_see_building(principal, post.building_id):
        raise NotFound("post_not_found", "Guard post not found or not in your scope.", field="post", value=post_id)
    return post


def post_serves(post: GuardPost | None, entrance_id: int | None) -> bool:
    """Whether visitors of an entrance pass this post. A pass without a premise passes every post."""
    if post is None or entrance_id is None or not post.entrance_ids:
        return True
    return entrance_id in post.entrance_ids


async def open_shift(session: AsyncSession, principal: Principal) -> GuardShift | None:
    """Return the user's open shift, which binds the kiosk to its post, or None."""
    return await session.scalar(select(GuardShift).where(GuardShift.guard_id == principal.user_id,
                                                         GuardShift.closed_at.is_(None)))

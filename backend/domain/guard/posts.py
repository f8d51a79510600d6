"""Setting up guard posts: which building, and which of its entrances, a post serves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from backend.domain.audit.actions import record_audit
from backend.domain.buildings.models import Building, Entrance
from backend.domain.errors import Conflict, DomainError
from backend.domain.guard.access import access_post
from backend.domain.guard.models import GuardPost, GuardPostEntrance
from backend.domain.staff.access import Principal, access_building, check_permission, scope_filter
from backend.domain.staff.roles import Permission

MAX_POST_NAME = 100


async def do_create_post(session: AsyncSession, principal: Principal, *, building_id: int, name: str,
                         entrance_ids: list[int] = ()) -> GuardPost:
    """Create a post; with no entrances it serves the whole building."""
    await access_building(session, principal, building_id, Permission.GUARD_MANAGE)
    name = await _check_name(session, building_id, name, None)
    post = GuardPost(building_id=building_id, name=name,
                     entrances=[GuardPostEntrance(entrance_id=entrance_id)
                                for entrance_id in await _check_entrances(session, building_id, entrance_ids)])
    session.add(post)
    await session.flush()
    record_audit(session, principal.user_id, "guard_post.created", "guard_post", post.id, building_id=building_id)
    return post


async def do_update_post(session: AsyncSession, principal: Principal, post_id: int, *, name: str,
                         entrance_ids: list[int], is_active: bool) -> GuardPost:
    post = await access_post(session, principal, post_id, Permission.GUARD_MANAGE)
    post.name = await _check_name(session, post.building_id, name, post.id)
    post.entrances = [GuardPostEntrance(entrance_id=entrance_id)
                      for entrance_id in await _check_entrances(session, post.building_id, entrance_ids)]
    post.is_active = is_active
    record_audit(session, principal.user_id, "guard_post.updated", "guard_post", post.id, active=is_active)
    return post


async def list_posts(session: AsyncSession, principal: Principal, *, active_only: bool = True,
                     building_id: int | None = None) -> list[tuple[GuardPost, str]]:
    """Posts in the user's scope with their building's address, by address and name."""
    if not principal.permissions & {Permission.PASSES_CHECK, Permission.GUARD_MANAGE}:
        check_permission(principal, Permission.PASSES_CHECK)
    query = (select(GuardPost, Building.address).join(Building, Building.id == GuardPost.building_id)
             .where(scope_filter(principal, GuardPost.building_id)).options(selectinload(GuardPost.entrances))
             .order_by(Building.address, GuardPost.name))
    if active_only:
        query = query.where(GuardPost.is_active)
    if building_id is not None:
        query = query.where(GuardPost.building_id == building_id)
    return [(post, address) for post, address in (await session.execute(query)).all()]


async def _check_name(session: AsyncSession, building_id: int, name: str, post_id: int | None) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > MAX_POST_NAME:
        raise DomainError("post_name_invalid", "Enter the post's name, at most {limit} characters.", field="name",
                          value=name, limit=MAX_POST_NAME)
    taken = await session.scalar(select(GuardPost.id).where(GuardPost.building_id == building_id,
                                                            GuardPost.name == cleaned, GuardPost.id != (post_id or 0)))
    if taken is not None:
        raise Conflict("post_name_taken", "The building already has a post with this name.", field="name",
                       value=cleaned)
    return cleaned


async def _check_entrances(session: AsyncSession, building_id: int, entrance_ids: list[int]) -> list[int]:
    wanted = sorted(set(entrance_ids))
    if not wanted:
        return []
    found = set((await session.scalars(select(Entrance.id).where(Entrance.building_id == building_id,
                                                                 Entrance.id.in_(wanted)))).all())
    missing = [entrance_id for entrance_id in wanted if entrance_id not in found]
    if missing:
        raise DomainError("post_entrance_invalid", "The entrance is not in this building.", field="entrance_ids",
                          value=missing[0])
    return wanted

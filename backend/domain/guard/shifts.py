"""Guard shifts: opened at a post, closed with a handover note that the next guard reads."""

from __future__ import annotations

from datetime import datetime

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.errors import Conflict, DomainError
from backend.domain.guard.access import access_post, open_shift
from backend.domain.guard.models import GuardPost, GuardShift
from backend.domain.staff.access import Principal, check_permission, scope_filter
from backend.domain.staff.models import User
from backend.domain.staff.roles import Permission

log = structlog.get_logger(__name__)

MAX_NOTE_LENGTH = 4000


class ShiftRow(msgspec.Struct, kw_only=True):
    id: int
    post_id: int
    post_name: str
    building_id: int
    guard_name: str
    opened_at: datetime
    opening_note: str | None
    closed_at: datetime | None
    handover_note: str | None


async def do_open_shift(session: AsyncSession, principal: Principal, post_id: int, note: str | None = None, *,
                        now: datetime | None = None) -> GuardShift:
    """Open the user's shift at a post. Opening it again at the same post returns the open shift."""
    post = await access_post(session, principal, post_id)
    if not post.is_active:
        raise Conflict("post_inactive", "The post is closed. Choose another post.", field="post", value=post_id)
    current = await open_shift(session, principal)
    if current is not None:
        if current.post_id == post.id:
            return current
        raise Conflict("shift_already_open", "Close your shift at the other post first.", field="post",
                       value=current.post_id)

    shift = GuardShift(post_id=post.id, guard_id=principal.user_id, opened_at=now or utcnow(),
                       opening_note=_note(note))
    session.add(shift)
    await session.flush()
    record_audit(session, principal.user_id, "guard_shift.opened", "guard_shift", shift.id, post_id=post.id)
    log.info("guard_shift_opened", shift_id=shift.id, post_id=post.id, building_id=post.building_id)
    return shift


async def do_close_shift(session: AsyncSession, principal: Principal, handover_note: str, *,
                         now: datetime | None = None) -> GuardShift:
    """Close the user's open shift; the handover note is required, since the next guard relies on it."""
    check_permission(principal, Permission.PASSES_CHECK)
    shift = await open_shift(session, principal)
    if shift is None:
        raise Conflict("shift_not_open", "You have no open shift.", field="shift", value=None)
    note = _note(handover_note)
    if note is None:
        raise DomainError("handover_note_missing", "Write the handover note for the next shift.",
                          field="handover_note", value=handover_note)

    shift.closed_at = now or utcnow()
    shift.handover_note = note
    record_audit(session, principal.user_id, "guard_shift.closed", "guard_shift", shift.id, post_id=shift.post_id)
    log.info("guard_shift_closed", shift_id=shift.id, post_id=shift.post_id)
    return shift


async def last_closed_shift(session: AsyncSession, post_id: int) -> ShiftRow | None:
    """The previous shift at the post, whose handover note the incoming guard reads."""
    rows = await _rows(session, _shift_query().where(GuardShift.post_id == post_id, GuardShift.closed_at.is_not(None))
                       .order_by(GuardShift.closed_at.desc()).limit(1))
    return rows[0] if rows else None


async def list_shifts(session: AsyncSession, principal: Principal, *, building_id: int | None = None,
                      limit: int = 100) -> list[ShiftRow]:
    """Shifts in the user's buildings, newest first, for building managers."""
    check_permission(principal, Permission.GUARD_MANAGE)
    query = _shift_query().where(scope_filter(principal, GuardPost.building_id))
    if building_id is not None:
        query = query.where(GuardPost.building_id == building_id)
    return await _rows(session, query.order_by(GuardShift.opened_at.desc()).limit(limit))


def _shift_query():
    return (select(GuardShift, GuardPost.name, GuardPost.building_id, User.full_name)
            .join(GuardPost, GuardPost.id == GuardShift.post_id).join(User, User.id == GuardShift.guard_id))


async def _rows(session: AsyncSession, query) -> list[ShiftRow]:
    return [ShiftRow(id=shift.id, post_id=shift.post_id, post_name=post_name, building_id=building_id,
                     guard_name=guard_name, opened_at=shift.opened_at, opening_note=shift.opening_note,
                     closed_at=shift.closed_at, handover_note=shift.handover_note)
            for shift, post_name, building_id, guard_name in (await session.execute(query)).all()]


def _note(text: str | None) -> str | None:
    cleaned = (text or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE_LENGTH:
        raise DomainError("text_too_long", "Too long: at most {limit} characters.", field="note", value=cleaned[:50],
                          limit=MAX_NOTE_LENGTH)
    return cleaned

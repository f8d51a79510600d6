"""The blocklist: adding and removing entries, and matching visitors and vehicles against it.

Names match by `names_match` (case and ё/е ignored, an initial matches a full first name),
plates by their normalized spelling.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import structlog
from sqlalchemy import String, any_, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.clients.names import names_match
from backend.domain.errors import DomainError, NotFound
from backend.domain.guard.models import BlocklistEntry
from backend.domain.passes.plates import check_plate
from backend.domain.staff.access import Principal, can_see_building, check_building_scope, check_permission
from backend.domain.staff.roles import Permission

log = structlog.get_logger(__name__)


async def entries_for(session: AsyncSession, building_id: int, plates: Iterable[str] = ()) -> list[BlocklistEntry]:
    """Return the active entries of a building and of the whole company that could match.

    Every name entry is loaded, because names match by rule rather than by equality.
    NOTE: this assumes a blocklist of hundreds of names per building, not tens of thousands.
    """
    # One array parameter rather than an IN list, so the statement text and its prepared plan stay the same.
    plates = sorted(set(plates))
    subject = or_(BlocklistEntry.full_name.is_not(None),
                  BlocklistEntry.plate == any_(literal(plates, type_=ARRAY(String(16)))))
    query = select(BlocklistEntry).where(
        BlocklistEntry.removed_at.is_(None), subject,
        or_(BlocklistEntry.building_id == building_id, BlocklistEntry.building_id.is_(None)))
    return list((await session.scalars(query.order_by(BlocklistEntry.id))).all())


def entry_matches(entry: BlocklistEntry, visitor_name: str | None, plate: str | None) -> bool:
    if entry.plate is not None and plate is not None and entry.plate == plate:
        return True
    return entry.full_name is not None and bool(visitor_name) and names_match(entry.full_name, visitor_name)


def first_match(entries: Iterable[BlocklistEntry], visitor_name: str | None,
                plate: str | None) -> BlocklistEntry | None:
    return next((entry for entry in entries if entry_matches(entry, visitor_name, plate)), None)


async def do_add_blocklist_entry(session: AsyncSession, principal: Principal, *, building_id: int | None,
                                 full_name: str | None, plate: str | None, reason: str) -> BlocklistEntry:
    """Add a person or a vehicle to the blocklist of a building, or of every building when `building_id` is None."""
    check_permission(principal, Permission.GUARD_MANAGE)
    if building_id is None and not principal.all_buildings:
        raise DomainError("blocklist_scope_invalid", "Only users with access to all buildings can block someone "
                          "everywhere. Choose a building.", field="building_id", value=None)
    if building_id is not None:
        check_building_scope(principal, building_id)

    entry = BlocklistEntry(building_id=building_id, full_name=" ".join((full_name or "").split()) or None,
                           plate=check_plate(plate) if (plate or "").strip() else None,
                           reason=_check_reason(reason), created_by_id=principal.user_id)
    if entry.full_name is None and entry.plate is None:
        raise DomainError("blocklist_subject_missing", "Enter a full name or a plate.", field="full_name",
                          value=None)
    session.add(entry)
    await session.flush()
    record_audit(session, principal.user_id, "blocklist.added", "blocklist_entry", entry.id,
                 building_id=building_id)
    log.info("blocklist_entry_added", entry_id=entry.id, building_id=building_id)
    return entry


async def do_remove_blocklist_entry(session: AsyncSession, principal: Principal, entry_id: int, *,
                                    now: datetime | None = None) -> BlocklistEntry:
    check_permission(principal, Permission.GUARD_MANAGE)
    entry = await session.get(BlocklistEntry, entry_id)
    if entry is None or not _in_scope(principal, entry):
        raise NotFound("blocklist_entry_not_found", "Blocklist entry not found.", field="entry_id", value=entry_id)
    if entry.removed_at is None:
        entry.removed_at = now or utcnow()
        entry.removed_by_id = principal.user_id
        record_audit(session, principal.user_id, "blocklist.removed", "blocklist_entry", entry.id)
    return entry


def _in_scope(principal: Principal, entry: BlocklistEntry) -> bool:
    if entry.building_id is None:
        return principal.all_buildings
    return can_see_building(principal, entry.building_id)


def _check_reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise DomainError("blocklist_reason_missing", "Enter the reason: guards read it when they refuse entry.",
                          field="reason", value=reason)
    return cleaned

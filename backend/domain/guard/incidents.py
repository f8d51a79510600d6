"""The incident log: what guards record during a shift, with an optional photo."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import msgspec
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.actions import record_audit
from backend.domain.errors import Conflict, DomainError, NotFound
from backend.domain.guard.access import access_post, open_shift
from backend.domain.guard.models import GuardPost, Incident
from backend.domain.staff.access import Principal, can_see_building, check_permission, has_permission, scope_filter
from backend.domain.staff.models import User
from backend.domain.staff.roles import Permission

log = structlog.get_logger(__name__)

MAX_TEXT_LENGTH = 4000
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic"}
UPLOADS = "uploads"
"""Folder under DOMOVOY_DATA_DIR that holds uploaded files."""


@dataclass(frozen=True)
class Photo:
    content: bytes
    content_type: str


class IncidentRow(msgspec.Struct, kw_only=True):
    id: int
    building_id: int
    post_name: str | None
    author_name: str | None
    occurred_at: datetime
    text: str
    has_photo: bool


async def do_record_incident(session: AsyncSession, principal: Principal, data_dir: Path, *, text: str,
                             occurred_at: datetime | None = None, photo: Photo | None = None,
                             now: datetime | None = None) -> Incident:
    """Record an incident at the post of the user's open shift.

    The photo is written before the transaction commits; if the commit fails, the file stays
    behind without a row pointing to it.
    """
    check_permission(principal, Permission.PASSES_CHECK)
    shift = await open_shift(session, principal)
    if shift is None:
        raise Conflict("shift_not_open", "Open a shift to record incidents.", field="shift", value=None)
    post = await access_post(session, principal, shift.post_id)
    now = now or utcnow()
    incident = Incident(building_id=post.building_id, post_id=post.id, shift_id=shift.id, author_id=principal.user_id,
                        occurred_at=_check_time(occurred_at, now), text=_check_text(text))
    if photo is not None:
        incident.photo_key, incident.photo_type = _store_photo(data_dir, photo, now)

    session.add(incident)
    await session.flush()
    record_audit(session, principal.user_id, "guard_incident.recorded", "guard_incident", incident.id,
                 post_id=post.id)
    log.info("guard_incident_recorded", incident_id=incident.id, post_id=post.id, building_id=post.building_id)
    return incident


async def list_incidents(session: AsyncSession, principal: Principal, *, building_id: int | None = None,
                         shift_id: int | None = None, limit: int = 100) -> list[IncidentRow]:
    """Incidents, newest first: all in scope for managers, a shift's own for the guard working it."""
    query = (select(Incident, GuardPost.name, User.full_name)
             .outerjoin(GuardPost, GuardPost.id == Incident.post_id).outerjoin(User, User.id == Incident.author_id)
             .where(scope_filter(principal, Incident.building_id)))
    if not has_permission(principal, Permission.GUARD_MANAGE):
        check_permission(principal, Permission.PASSES_CHECK)
        query = query.where(Incident.author_id == principal.user_id)
    if building_id is not None:
        query = query.where(Incident.building_id == building_id)
    if shift_id is not None:
        query = query.where(Incident.shift_id == shift_id)
    rows = (await session.execute(query.order_by(Incident.occurred_at.desc()).limit(limit))).all()
    return [IncidentRow(id=incident.id, building_id=incident.building_id, post_name=post_name, author_name=author,
                        occurred_at=incident.occurred_at, text=incident.text, has_photo=incident.photo_key is not None)
            for incident, post_name, author in rows]


async def access_incident_photo(session: AsyncSession, principal: Principal, data_dir: Path,
                                incident_id: int) -> tuple[Path, str]:
    """Return the photo's file and content type, for managers of the building and the incident's author."""
    incident = await session.get(Incident, incident_id)
    allowed = incident is not None and can_see_building(principal, incident.building_id) and (
        has_permission(principal, Permission.GUARD_MANAGE) or incident.author_id == principal.user_id)
    if not allowed or incident.photo_key is None:
        raise NotFound("incident_photo_not_found", "Photo not found.", field="incident_id", value=incident_id)
    return data_dir / UPLOADS / incident.photo_key, incident.photo_type or "application/octet-stream"


def _store_photo(data_dir: Path, photo: Photo, now: datetime) -> tuple[str, str]:
    extension = PHOTO_TYPES.get(photo.content_type)
    if extension is None:
        raise DomainError("photo_type_invalid", "Attach a photo in JPEG, PNG, WebP or HEIC format.", field="photo",
                          value=photo.content_type)
    if len(photo.content) > MAX_PHOTO_BYTES:
        raise DomainError("photo_too_large", "The photo is larger than {limit} MB.", field="photo",
                          value=len(photo.content), limit=MAX_PHOTO_BYTES // (1024 * 1024))
    key = f"incidents/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"
    path = data_dir / UPLOADS / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo.content)
    return key, photo.content_type


def _check_text(text: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError("incident_text_missing", "Describe what happened.", field="text", value=text)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise DomainError("text_too_long", "Too long: at most {limit} characters.", field="text",
                          value=cleaned[:50], limit=MAX_TEXT_LENGTH)
    return cleaned


def _check_time(occurred_at: datetime | None, now: datetime) -> datetime:
    if occurred_at is None:
        return now
    if occurred_at > now:
        raise DomainError("incident_time_future", "The incident time is in the future.", field="occurred_at",
                          value=occurred_at.isoformat())
    return occurred_at

"""Reading kiosk form fields: the incident time in the building's zone and an uploaded photo."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from litestar.datastructures import UploadFile

from backend.db.base import utcnow
from backend.domain.errors import DomainError
from backend.domain.guard.incidents import Photo


def local_occurred_at(text: str | None, zone_name: str) -> datetime | None:
    """Read «14:05» as today at that local time; empty means now (None)."""
    if not (text or "").strip():
        return None
    try:
        at = time.fromisoformat(text.strip())
    except ValueError:
        raise DomainError("incident_time_invalid", "Enter the time as HH:MM, for example 14:05.",
                          field="occurred_at", value=text) from None
    zone = ZoneInfo(zone_name)
    return datetime.combine(utcnow().astimezone(zone).date(), at, tzinfo=zone)


async def uploaded_photo(upload: UploadFile | str | None) -> Photo | None:
    """Return the photo of a multipart form, or None when the field was left empty."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read()
    if not content:
        return None
    return Photo(content, upload.content_type or "application/octet-stream")

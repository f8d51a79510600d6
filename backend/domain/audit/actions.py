"""Writing audit entries; callers pass their open session so the entry commits with the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.models import AuditEntry


def record_audit(session: AsyncSession, actor_id: int | None, action: str, object_type: str,
                 object_id: object, **details: Any) -> None:
    session.add(AuditEntry(actor_id=actor_id, action=action, object_type=object_type,
                           object_id=str(object_id), details=details))

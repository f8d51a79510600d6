"""Writing events to the outbox from inside an action's transaction."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from backend.realtime.models import OutboxEvent

NOTIFY_CHANNEL = "domovoy_outbox"
"""PostgreSQL NOTIFY channel that wakes the relay; delivered at commit, carries no payload."""


def emit(session: AsyncSession, event_type: str, data: Any, *, building_id: int | None = None,
         user_id: int | None = None) -> OutboxEvent:
    """Add an event to the outbox. It is published only if the caller's transaction commits.

    `data` is a msgspec Struct or a dict of JSON-compatible values. `building_id` scopes who may
    receive it; `user_id` narrows it to one user.
    """
    payload = msgspec.to_builtins(data)
    event = OutboxEvent(type=event_type, building_id=building_id, user_id=user_id, data=payload)
    session.add(event)
    session.info["outbox_pending"] = True
    return event


@event.listens_for(Session, "before_commit")
def _notify_relay(session: Session) -> None:
    """Queue a wake-up for the relay; PostgreSQL delivers a NOTIFY only when the transaction commits."""
    if session.info.pop("outbox_pending", False):
        session.execute(text(f"NOTIFY {NOTIFY_CHANNEL}"))

"""The outbox: domain events written in the same transaction as the change they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, utcnow


class OutboxEvent(Base):
    """One event. `id` is taken at insert; `seq` is the delivery order, assigned by the relay.

    An id is allocated when a row is inserted, not when its transaction commits, so ids can
    commit out of order. The relay (a single writer) numbers committed rows in the order it
    reads them, which makes `seq` gap-free in commit order; clients replay by `seq` alone.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    type: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    building_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    """Set for events meant for one user only, such as a ringing call's screen pop."""
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    published_at: Mapped[datetime | None]
    """When the relay handed the event to the channels; numbered but unpublished events are sent
    again after a relay restart."""

    __table_args__ = (
        Index("ix_outbox_unpublished", "id", postgresql_where=text("seq IS NULL")),
        Index("ix_outbox_building_seq", "building_id", "seq"),
        Index("ix_outbox_unsent", "seq", postgresql_where=text("seq IS NOT NULL AND published_at IS NULL")),
    )

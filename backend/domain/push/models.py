"""Web Push subscriptions of staff devices and the position of the push dispatcher in the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAt


class PushSubscription(CreatedAt, Base):
    """A browser's PushSubscription: where to send, and the keys that encrypt for that browser (RFC 8291)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    """The push service URL of this subscription; it identifies the browser."""
    p256dh: Mapped[str] = mapped_column(String(200))
    """The browser's P-256 public key, base64url as the browser sends it."""
    auth: Mapped[str] = mapped_column(String(100))
    """The 16-byte authentication secret, base64url."""
    user_agent: Mapped[str | None] = mapped_column(String(300))
    last_sent_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    """Consecutive failed deliveries; reset by a success."""


class PushCursor(Base):
    """How far in the outbox (by `seq`) the push dispatcher has sent notifications."""

    __tablename__ = "push_cursor"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)

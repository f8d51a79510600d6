"""Guard posts and their entrances, shifts, incidents and the blocklist."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, CreatedAt, utcnow


class GuardPost(CreatedAt, Base):
    """A guard desk (пост охраны). It serves a whole building, or only the entrances linked to it."""

    __tablename__ = "guard_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    entrances: Mapped[list[GuardPostEntrance]] = relationship(cascade="all, delete-orphan", lazy="joined")

    __table_args__ = (UniqueConstraint("building_id", "name"),)

    @property
    def entrance_ids(self) -> frozenset[int]:
        """The entrances served; empty means the whole building."""
        return frozenset(link.entrance_id for link in self.entrances)


class GuardPostEntrance(Base):
    __tablename__ = "guard_post_entrances"

    post_id: Mapped[int] = mapped_column(ForeignKey("guard_posts.id", ondelete="CASCADE"), primary_key=True)
    entrance_id: Mapped[int] = mapped_column(ForeignKey("entrances.id", ondelete="CASCADE"), primary_key=True)


class GuardShift(Base):
    """A guard's shift at a post, opened and closed with notes that the next guard reads."""

    __tablename__ = "guard_shifts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("guard_posts.id", ondelete="CASCADE"))
    guard_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opening_note: Mapped[str | None] = mapped_column(Text)
    """What the incoming guard found on taking over (keys, equipment, remarks)."""
    closed_at: Mapped[datetime | None]
    handover_note: Mapped[str | None] = mapped_column(Text)
    """What the outgoing guard hands over to the next shift."""

    __table_args__ = (
        # A guard works one shift at a time; the kiosk finds its post through this shift.
        Index("uq_guard_shifts_open", "guard_id", unique=True, postgresql_where=text("closed_at IS NULL")),
        Index("ix_guard_shifts_post", "post_id", "opened_at"),
        CheckConstraint("closed_at IS NULL OR closed_at >= opened_at", name="order"),
    )


class Incident(CreatedAt, Base):
    """An entry of the incident log (журнал происшествий)."""

    __tablename__ = "guard_incidents"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("guard_posts.id", ondelete="SET NULL"))
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("guard_shifts.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    photo_key: Mapped[str | None] = mapped_column(String(300))
    """Path of the photo under DOMOVOY_DATA_DIR/uploads."""
    photo_type: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_guard_incidents_building", "building_id", "occurred_at"),)


class BlocklistEntry(CreatedAt, Base):
    """A person or a vehicle not to be let in (чёрный список), with the reason guards are shown."""

    __tablename__ = "blocklist_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    """None: the entry applies to every building of the company."""
    full_name: Mapped[str | None] = mapped_column(String(200))
    plate: Mapped[str | None] = mapped_column(String(16), index=True)
    """Normalized plate, as in `passes.plate`."""
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (CheckConstraint("full_name IS NOT NULL OR plate IS NOT NULL", name="subject"),)

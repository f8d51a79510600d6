"""Visitor and vehicle passes (пропуска) and the visits that guards mark on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Computed, ForeignKey, Index, Sequence, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAt, utcnow

PASS_NUMBER_SEQUENCE = Sequence("pass_number_seq", start=1001)


class PassKind:
    ONE_TIME = "one_time"
    """Разовый: one entry inside the window; after the departure the pass is used up."""
    PERMANENT = "permanent"
    """Постоянный or for a period: any number of entries inside the window, which may be open-ended."""

    ALL = (ONE_TIME, PERMANENT)


class PassStatus:
    EXPECTED = "expected"
    """Ordered; the visitor has not arrived yet."""
    ON_SITE = "on_site"
    """A guard marked the arrival and no departure since."""
    LEFT = "left"
    """A guard marked the departure. A permanent pass may be used again inside its window."""
    EXPIRED = "expired"
    """The window ended while nobody was on site. Derived on read; see `validity.effective_status`."""
    CANCELLED = "cancelled"
    """Withdrawn by the host or the staff; it never lets anyone in again."""

    ALL = (EXPECTED, ON_SITE, LEFT, EXPIRED, CANCELLED)
    STORED = (EXPECTED, ON_SITE, LEFT, CANCELLED)


class PassSource:
    """Who ordered the pass, for reports and for the host's list in the portal."""

    RESIDENT_APP = "resident_app"
    PORTAL = "portal"
    CONCIERGE = "concierge"
    ACCOUNT_MANAGER = "account_manager"
    TENANT_COMPANY = "tenant_company"
    STAFF = "staff"

    ALL = (RESIDENT_APP, PORTAL, CONCIERGE, ACCOUNT_MANAGER, TENANT_COMPANY, STAFF)


class Pass(CreatedAt, Base):
    __tablename__ = "passes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, PASS_NUMBER_SEQUENCE, unique=True,
                                        server_default=PASS_NUMBER_SEQUENCE.next_value())
    """The number people quote and guards type: «№ 1234». Never reused."""
    qr_token: Mapped[str] = mapped_column(String(16))
    """Random digits printed in the QR code next to the number, so a typed number alone is not a scan."""
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="RESTRICT"))
    premise_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id", ondelete="RESTRICT"), index=True)
    """The host premise; None for a pass ordered for a client or a company as a whole."""
    entrance_id: Mapped[int | None] = mapped_column(ForeignKey("entrances.id", ondelete="SET NULL"))
    """The host premise's entrance, copied at creation so that posts can filter without joins."""
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    """The host client: a resident, an owner or a tenant company."""
    host_name: Mapped[str | None] = mapped_column(String(300))
    """The host as guards see it: «Иванов И. И.» or «ООО «Ромашка»». No other personal data."""
    kind: Mapped[str] = mapped_column(String(16))
    visitor_name: Mapped[str | None] = mapped_column(String(200))
    visitor_name_key: Mapped[str | None] = mapped_column(String(200))
    """`fold_text(visitor_name)`: lower case, ё read as е, single spaces; searched by prefix."""
    document: Mapped[str | None] = mapped_column(String(100))
    """The visitor's identity document as the host gave it; guards see only its last digits."""
    plate: Mapped[str | None] = mapped_column(String(16))
    """Normalized plate (`normalize_plate`), Cyrillic: `А123ВС77`."""
    plate_digits: Mapped[str | None] = mapped_column(String(8))
    """The plate's first run of digits (`123` of `А123ВС77`), which guards type when in a hurry."""
    vehicle_make: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    """Inclusive end of the window; None for a permanent pass without an end."""
    ends_at: Mapped[datetime] = mapped_column(Computed("COALESCE(valid_until, 'infinity'::timestamptz)",
                                                      persisted=True))
    """`valid_until`, or infinity for an open-ended pass. The search indexes end with it, so that long
    ended passes are skipped inside the index instead of being read from the table."""
    status: Mapped[str] = mapped_column(String(16), default=PassStatus.EXPECTED)
    source: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint(f"kind IN {PassKind.ALL}", name="kind"),
        CheckConstraint(f"status IN {PassStatus.STORED}", name="status"),
        CheckConstraint(f"source IN {PassSource.ALL}", name="source"),
        CheckConstraint("visitor_name IS NOT NULL OR plate IS NOT NULL", name="subject"),
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="window"),
        # Prefix search (`LIKE 'а123%'`) needs the pattern operator class under a non-C collation.
        Index("ix_passes_building_plate", "building_id", "plate", "ends_at",
              postgresql_ops={"plate": "varchar_pattern_ops"}, postgresql_where=text("plate IS NOT NULL")),
        Index("ix_passes_building_plate_digits", "building_id", "plate_digits", "ends_at",
              postgresql_where=text("plate_digits IS NOT NULL")),
        Index("ix_passes_building_visitor_name", "building_id", "visitor_name_key", "ends_at",
              postgresql_ops={"visitor_name_key": "varchar_pattern_ops"},
              postgresql_where=text("visitor_name_key IS NOT NULL")),
        Index("ix_passes_building_valid_from", "building_id", "valid_from"),
    )


class PassVisit(Base):
    """One stay on site: an arrival and, once the visitor leaves, its departure."""

    __tablename__ = "pass_visits"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    pass_id: Mapped[int] = mapped_column(ForeignKey("passes.id", ondelete="CASCADE"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("guard_posts.id", ondelete="SET NULL"))
    arrived_at: Mapped[datetime] = mapped_column(default=utcnow)
    arrived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    departed_at: Mapped[datetime | None]
    departed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        # At most one open visit per pass: a second arrival while on site is the same arrival.
        Index("uq_pass_visits_open", "pass_id", unique=True, postgresql_where=text("departed_at IS NULL")),
        Index("ix_pass_visits_pass", "pass_id", "arrived_at"),
        Index("ix_pass_visits_on_site", "building_id", postgresql_where=text("departed_at IS NULL")),
        CheckConstraint("departed_at IS NULL OR departed_at >= arrived_at", name="order"),
    )

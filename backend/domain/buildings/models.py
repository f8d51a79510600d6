"""Buildings and their unit map: entrances, floors and premises.

Other records refer to a premise by `premises.id`; labels are for people and may be renamed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, CreatedAt, utcnow


class BuildingKind:
    RESIDENTIAL = "residential"
    """A residential building (МКД, ЖК)."""
    BUSINESS_CENTRE = "business_centre"
    """A business centre (БЦ) with offices."""

    ALL = (RESIDENTIAL, BUSINESS_CENTRE)


class PremiseKind:
    FLAT = "flat"
    APARTMENT = "apartment"
    OFFICE = "office"
    COMMERCIAL = "commercial"
    STORAGE = "storage"
    PARKING = "parking"

    ALL = (FLAT, APARTMENT, OFFICE, COMMERCIAL, STORAGE, PARKING)
    RESIDENTIAL = (FLAT, APARTMENT)


class Building(CreatedAt, Base):
    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The building's id in the source registry (Reforma GKH HOUSE_ID)."""
    address: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default=BuildingKind.RESIDENTIAL)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    year_built: Mapped[int | None] = mapped_column(Integer)
    series: Mapped[str | None] = mapped_column(String(100))
    area_total: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    """m²"""
    working_hours: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    """Business hours per ISO weekday, {"1": ["09:00", "18:00"], ...}; None means Mon–Fri 09:00–18:00."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entrances: Mapped[list[Entrance]] = relationship(back_populates="building", order_by="Entrance.number",
                                                     cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint(f"kind IN {BuildingKind.ALL}", name="kind"),)


class Entrance(Base):
    """A section (подъезд) with its own floors."""

    __tablename__ = "entrances"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(100))

    building: Mapped[Building] = relationship(back_populates="entrances")
    floors: Mapped[list[Floor]] = relationship(back_populates="entrance", order_by="Floor.number",
                                               cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("building_id", "number"),)


class Floor(Base):
    """A floor of an entrance; negative numbers are basements and underground parking."""

    __tablename__ = "floors"

    id: Mapped[int] = mapped_column(primary_key=True)
    entrance_id: Mapped[int] = mapped_column(ForeignKey("entrances.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)

    entrance: Mapped[Entrance] = relationship(back_populates="floors")
    premises: Mapped[list[Premise]] = relationship(back_populates="floor", order_by="Premise.position")

    __table_args__ = (UniqueConstraint("entrance_id", "number"),)


class Premise(CreatedAt, Base):
    __tablename__ = "premises"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"), index=True)
    floor_id: Mapped[int] = mapped_column(ForeignKey("floors.id", ondelete="RESTRICT"), index=True)
    label: Mapped[str] = mapped_column(String(32))
    """The number people use: `45`, `12А`, `Н3`."""
    kind: Mapped[str] = mapped_column(String(32), default=PremiseKind.FLAT)
    area: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    """m²"""
    account_number: Mapped[str | None] = mapped_column(String(64))
    """The billing account (лицевой счёт) in the accounting system."""
    floors_spanned: Mapped[int] = mapped_column(Integer, default=1)
    """1 for an ordinary premise, 2 for a duplex that goes up from its floor."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    """Left-to-right order on its floor in the unit map."""

    floor: Mapped[Floor] = relationship(back_populates="premises")

    __table_args__ = (
        UniqueConstraint("building_id", "kind", "label"),
        CheckConstraint(f"kind IN {PremiseKind.ALL}", name="kind"),
        CheckConstraint("floors_spanned BETWEEN 1 AND 5", name="floors_spanned"),
    )

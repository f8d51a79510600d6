"""Selections: named sets of premises of one building, saved from the unit map."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAt, utcnow


class Selection(CreatedAt, Base):
    """An audience for mailings and surveys: the clients of these premises, resolved when it is used."""

    __tablename__ = "selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    """How the cells were picked (entrances, floors, kinds, single cells), shown to people for reference."""
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("building_id", "name"),)


class SelectionPremise(Base):
    __tablename__ = "selection_premises"

    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id", ondelete="CASCADE"), primary_key=True)
    premise_id: Mapped[int] = mapped_column(ForeignKey("premises.id", ondelete="CASCADE"), primary_key=True)
    """A premise removed from the unit map leaves the audience with it."""

    __table_args__ = (Index("ix_selection_premises_premise_id", "premise_id"),)

"""Tickets (обращения), their timeline, the service catalogue and deadline policies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (BigInteger, Boolean, CheckConstraint, Computed, ForeignKey, Index, Integer, Numeric,
                        Sequence, SmallInteger, String, Text, UniqueConstraint, text)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, CreatedAt, utcnow

TICKET_NUMBER_SEQUENCE = Sequence("ticket_number_seq", start=1001)


class Status:
    NEW = "new"
    """Created, nobody assigned yet."""
    ASSIGNED = "assigned"
    """A technician is assigned and has not started."""
    IN_PROGRESS = "in_progress"
    """Work has started; the response deadline is met."""
    ON_HOLD = "on_hold"
    """Paused for a reason until a date; the deadline clocks stop."""
    COMPLETED = "completed"
    """Work is done and awaits the client's confirmation."""
    CLOSED = "closed"
    """Confirmed by the client, or closed automatically after the waiting period."""
    CANCELLED = "cancelled"
    """Withdrawn with a reason."""

    ALL = (NEW, ASSIGNED, IN_PROGRESS, ON_HOLD, COMPLETED, CLOSED, CANCELLED)
    OPEN = (NEW, ASSIGNED, IN_PROGRESS, ON_HOLD)


class Priority:
    EMERGENCY = "emergency"
    """Аварийная: clocks run around the clock."""
    URGENT = "urgent"
    NORMAL = "normal"
    PLANNED = "planned"

    ALL = (EMERGENCY, URGENT, NORMAL, PLANNED)
    RANK = {EMERGENCY: 0, URGENT: 1, NORMAL: 2, PLANNED: 3}


PRIORITY_RANK_SQL = ("CASE priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 WHEN 'normal' THEN 2 "
                     "ELSE 3 END")


class Channel:
    PHONE = "phone"
    APP = "app"
    PORTAL = "portal"
    WALK_IN = "walk_in"
    EMAIL = "email"
    CONCIERGE = "concierge"
    STAFF = "staff"

    ALL = (PHONE, APP, PORTAL, WALK_IN, EMAIL, CONCIERGE, STAFF)


class ServiceCategory(Base):
    """An entry of the service catalogue: plumbing, electrics, lift, or a paid service with a price."""

    __tablename__ = "service_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    """Roubles; set only for paid services."""
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class DeadlinePolicy(Base):
    """Response and resolution times for a category and priority, in business minutes."""

    __tablename__ = "deadline_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("service_categories.id", ondelete="CASCADE"))
    """None: the default for every category without its own policy."""
    priority: Mapped[str] = mapped_column(String(16))
    response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("category_id", "priority"),)


class Ticket(CreatedAt, Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, TICKET_NUMBER_SEQUENCE, unique=True,
                                        server_default=TICKET_NUMBER_SEQUENCE.next_value())
    """The number people quote: «№ 1234». Never reused."""
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="RESTRICT"))
    entrance_id: Mapped[int | None] = mapped_column(ForeignKey("entrances.id", ondelete="SET NULL"))
    premise_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id", ondelete="RESTRICT"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    """E.164 of whoever reached out, which may differ from the client's own phones."""
    channel: Mapped[str] = mapped_column(String(16))
    category_id: Mapped[int] = mapped_column(ForeignKey("service_categories.id", ondelete="RESTRICT"))
    priority: Mapped[str] = mapped_column(String(16))
    priority_rank: Mapped[int] = mapped_column(SmallInteger, Computed(PRIORITY_RANK_SQL, persisted=True))
    """0 for emergency … 3 for planned, so that queues sort by urgency through an index."""
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW)
    description: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    """The incident this ticket belongs to, such as one leak reported from many flats."""
    call_id: Mapped[int | None] = mapped_column(BigInteger)
    """The phone call this ticket was created from."""
    hold_reason: Mapped[str | None] = mapped_column(String(300))
    hold_until: Mapped[datetime | None]
    hold_started_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    response_breached_at: Mapped[datetime | None]
    resolution_breached_at: Mapped[datetime | None]
    paused_minutes: Mapped[int] = mapped_column(Integer, default=0)
    """Business minutes spent on hold so far; the deadlines move by this much."""
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    """Incremented on every change; a save that carries an older version is a conflict."""

    observers: Mapped[list[TicketObserver]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint(f"status IN {Status.ALL}", name="status"),
        CheckConstraint(f"priority IN {Priority.ALL}", name="priority"),
        CheckConstraint(f"channel IN {Channel.ALL}", name="channel"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
        Index("ix_tickets_board", "building_id", "status", "created_at"),
        Index("ix_tickets_open_category", "building_id", "category_id", postgresql_where=text(
            "status IN ('new', 'assigned', 'in_progress', 'on_hold')")),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_queue", "status", "priority_rank", text("created_at DESC"), postgresql_where=text(
            "status IN ('new', 'assigned', 'in_progress', 'on_hold')")),
        Index("ix_tickets_resolution_due", "resolution_due_at", postgresql_where=text(
            "status IN ('new', 'assigned', 'in_progress')")),
        Index("ix_tickets_response_due", "response_due_at", postgresql_where=text(
            "responded_at IS NULL AND status IN ('new', 'assigned', 'in_progress')")),
    )


class TicketObserver(Base):
    __tablename__ = "ticket_observers"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class TicketAttachment(CreatedAt, Base):
    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(300))
    """Path under DOMOVOY_DATA_DIR/uploads."""
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class TimelineEntry(Base):
    """One change of a ticket: who, when, what, from → to. This table is the ticket's audit log."""

    __tablename__ = "ticket_timeline"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    """created, status_changed, assigned, comment, priority_changed, linked, rated, breached, ..."""
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (Index("ix_ticket_timeline_ticket", "ticket_id", "at"),)


class IdempotencyKey(CreatedAt, Base):
    """A client-chosen key of a create request; a repeat returns the first result."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    scope: Mapped[str] = mapped_column(String(32))
    """What the key created: `ticket`, `pass`, ..."""
    object_id: Mapped[int] = mapped_column(BigInteger)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the first request's body, where the scope records it: a different body under
    the same key is a client error, not a retry."""

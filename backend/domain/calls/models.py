"""Telephone calls, the clients each call matched, the callback list and click-to-call requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, CreatedAt, utcnow


class Direction:
    INBOUND = "inbound"
    """From an outside number."""
    OUTBOUND = "outbound"
    """To an outside number, click-to-call included."""
    INTERNAL = "internal"
    """From one staff phone to another."""

    ALL = (INBOUND, OUTBOUND, INTERNAL)


class Outcome:
    ANSWERED = "answered"
    MISSED = "missed"
    """Nobody answered before the caller hung up or the ringing stopped."""
    ABANDONED = "abandoned"
    """The caller left a queue before an agent answered."""
    BUSY = "busy"
    FAILED = "failed"
    """The call could not be placed."""

    ALL = (ANSWERED, MISSED, ABANDONED, BUSY, FAILED)
    NEEDS_CALLBACK = (MISSED, ABANDONED)


class Call(CreatedAt, Base):
    """One call: every channel that shared an Asterisk Linkedid.

    The row appears when a staff phone first rings, so that a ticket created during the call can
    point at it. `ended_at` and `outcome` stay empty until the last channel hangs up.
    """

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    linkedid: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(16))
    caller_number: Mapped[str | None] = mapped_column(String(64))
    """As Asterisk sent it: an outside number in any format, an extension, or None for anonymous."""
    caller_e164: Mapped[str | None] = mapped_column(String(20))
    """The caller's number in E.164; None for extensions, anonymous and unparsable numbers."""
    caller_name: Mapped[str | None] = mapped_column(String(200))
    called_number: Mapped[str | None] = mapped_column(String(64))
    called_e164: Mapped[str | None] = mapped_column(String(20))
    queue: Mapped[str | None] = mapped_column(String(80))
    rang_extensions: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default=text("'{}'"))
    """Staff phones the call was offered to, in the order they rang."""
    answered_extension: Mapped[str | None] = mapped_column(String(32))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """The user whose extension answered, as users.extension mapped it when the call was stored."""
    started_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(16))
    recording: Mapped[str | None] = mapped_column(String(500))
    originate_action_id: Mapped[str | None] = mapped_column(String(100))
    """ActionID of the click-to-call Originate that started the call."""
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_calls_started_at", "started_at", "id"),
        Index("ix_calls_caller_e164", "caller_e164"),
        Index("ix_calls_called_e164", "called_e164"),
        Index("ix_calls_originate_action_id", "originate_action_id"),
    )


class CallClient(Base):
    """A client whose phone number is the call's outside party."""

    __tablename__ = "call_clients"

    call_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("calls.id", ondelete="CASCADE"),
                                         primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)


class CallbackStatus:
    OPEN = "open"
    """Waiting for someone to call the number back."""
    CALLED_BACK = "called_back"
    """An outbound call to the number was answered."""
    ANSWERED_LATER = "answered_later"
    """The number called again and was answered."""
    CLOSED = "closed"
    """Closed by a user without a call, with a note."""

    ALL = (OPEN, CALLED_BACK, ANSWERED_LATER, CLOSED)


class Callback(CreatedAt, Base):
    """An outside number whose inbound call was missed or abandoned and that nobody has reached yet.

    A number has at most one open callback: further missed calls from it join the open one.
    """

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number_e164: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default=CallbackStatus.OPEN)
    first_call_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    last_call_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    missed_calls: Mapped[int] = mapped_column(Integer, default=1)
    last_missed_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_by_call_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("calls.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("uq_callbacks_open_number", "number_e164", unique=True, postgresql_where=text("status = 'open'")),
        Index("ix_callbacks_status_last_missed", "status", "last_missed_at"),
    )


class OriginateStatus:
    PENDING = "pending"
    """Waiting for the worker with the AMI connection."""
    SENT = "sent"
    """The worker claimed the request and sent the Originate; it is never sent again."""
    FINISHED = "finished"
    """The outcome is known (see `outcome`)."""

    ALL = (PENDING, SENT, FINISHED)


class OriginateRequest(CreatedAt, Base):
    """A click-to-call: ring the user's extension, then dial the number.

    The web process writes the row. The worker with the AMI connection claims it by moving it
    out of `pending` in a committed transaction before it sends the Originate. So a request is
    sent at most once, even across worker restarts and AMI reconnects.
    """

    __tablename__ = "originate_requests"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    extension: Mapped[str] = mapped_column(String(32))
    number_e164: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tickets.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=OriginateStatus.PENDING)
    outcome: Mapped[str | None] = mapped_column(String(24))
    action_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    sent_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_originate_requests_pending", "id", postgresql_where=text("status = 'pending'")),
    )
